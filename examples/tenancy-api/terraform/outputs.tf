output "service_name" {
  description = "Name of the ECS service"
  value       = aws_ecs_service.service.name
}

output "task_definition_arn" {
  description = "ARN of the task definition revision in use"
  value       = aws_ecs_task_definition.service.arn
}

output "security_group_id" {
  description = "Security group of the tasks"
  value       = aws_security_group.service.id
}

output "log_group_name" {
  description = "CloudWatch log group of the containers"
  value       = aws_cloudwatch_log_group.service.name
}
