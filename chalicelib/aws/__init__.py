"""AWS adapters: the only application code that imports boto3 (enforced by import-linter).
Every client honours AWS_ENDPOINT_URL, so the same code runs on moto, LocalStack or AWS."""
