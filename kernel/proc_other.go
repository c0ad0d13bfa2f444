//go:build !unix

package kernel

// processAlive cannot tell here, so every process counts as alive (nothing
// is removed as stale).
func processAlive(int) bool { return true }
