package fast

//go:generate go run ./internal/genops gen_ops.go
