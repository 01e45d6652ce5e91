"""The embedded local AWS (docs/local-stack.md): moto as the services, plus what moto lacks for this
app: a Lambda executor that runs the Chalice handlers in-process, an SQS poller that
behaves like Lambda's event source mapping, serialised DynamoDB requests, and a
bootstrap that creates the resources of infra/template.json."""
