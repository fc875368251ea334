variable "name" {
  description = "Service name, used to name every resource"
  type        = string
  default     = "tenancy-api"
}

variable "environment" {
  description = "Environment name, for example staging or production"
  type        = string

  validation {
    condition     = contains(["review", "staging", "production"], var.environment)
    error_message = "environment must be review, staging or production."
  }
}

variable "image" {
  description = "Container image reference, pinned by digest (repo@sha256:...)"
  type        = string
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the service runs in"
  type        = string
}

variable "vpc_id" {
  description = "VPC of the private subnets"
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the tasks (no public IPs are assigned)"
  type        = list(string)
}

variable "load_balancer_security_group_id" {
  description = "Security group of the load balancer allowed to reach the tasks"
  type        = string
}

variable "target_group_arn" {
  description = "Load balancer target group that routes to the service"
  type        = string
}

variable "container_port" {
  description = "Port the service listens on inside the container"
  type        = number
  default     = 8000
}

variable "cpu" {
  description = "Task CPU units"
  type        = number
  default     = 256
}

variable "memory" {
  description = "Task memory in MiB"
  type        = number
  default     = 512
}

variable "desired_count" {
  description = "Number of running tasks"
  type        = number
  default     = 2
}

variable "log_retention_days" {
  description = "How long container logs are kept"
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the log group"
  type        = string
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
}
