"""The AWS stand-ins: CodeDeploy's and Amazon ECS's part of a deployment, the bus, layer objects, Lambda checks."""
