package kernel

import (
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// gonbDirPattern names the pipe folders ServeGonbPipe makes in the temporary
// directory; gonbOwner is the file in each holding its process's id.
const (
	gonbDirPattern = "im2im-gonb-*"
	gonbOwner      = "owner.pid"
)

// writeGonbOwner records this process as the owner of the pipe folder dir.
func writeGonbOwner(dir string) error {
	return os.WriteFile(filepath.Join(dir, gonbOwner), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
}

// removeStaleGonbDirs removes the pipe folders under tmp whose owner process
// is gone (a kernel or run that was killed before it could clean up) and
// returns how many it removed. A folder is kept when its owner is alive, when
// it names no owner (made by an older im2im, or still being set up) or when
// the owner cannot be read: a live folder is never removed.
func removeStaleGonbDirs(tmp string, logger *log.Logger) int {
	dirs, _ := filepath.Glob(filepath.Join(tmp, gonbDirPattern))
	removed := 0
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, gonbOwner))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		if err := os.RemoveAll(d); err != nil {
			logger.Printf("GONB_PIPE: removing the stale %s: %v", d, err)
			continue
		}
		removed++
	}
	return removed
}
