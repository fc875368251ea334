"""Portability: how easily a service could move to another cloud (`lockgate portability`)."""
