"""The guards: fabricated AWS answers conform to botocore's model, no request reaches AWS, IAM decided offline."""
