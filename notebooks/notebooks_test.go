package notebooks

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/im2im/im2im/kernel/notebook"
)

// tutorial is one notebook of this folder with the parameters that make it run
// in seconds (tiny data and model, thresholds that only a broken notebook
// misses) and the threshold parameter its check cell compares against.
type tutorial struct {
	file      string
	tiny      []string
	threshold string
}

var tutorials = []tutorial{
	{"quickstart.ipynb", []string{"nTrain=6", "nTest=2", "imageSize=64", "patchSize=32", "features=4,8", "epochs=1", "minDice=0"}, "minDice"},
	{"denoise_3d.ipynb", []string{"nTrain=3", "nTest=1", "volume=8,32,32", "patch=8,16,16", "features=4,8", "epochs=1", "batchSize=2", "minGainDB=-100"}, "minGainDB"},
	{"labelfree_2d.ipynb", []string{"nTrain=6", "nTest=1", "imageSize=64", "patchSize=32", "features=4,8", "epochs=1", "minPearson=-1"}, "minPearson"},
	{"pix2pix_2d.ipynb", []string{"nTrain=4", "nTest=1", "imageSize=64", "patchSize=32", "features=4,8", "discNF=4", "epochs=1", "batchSize=4", "minPSNR=-100"}, "minPSNR"},
	{"cyclegan_2d.ipynb", []string{"nTrain=4", "nTest=1", "imageSize=64", "patchSize=32", "patchesPerImage=2", "features=4,8", "discNF=4", "epochs=1", "batchSize=4", "minDice=0"}, "minDice"},
	{"uncertainty_2d.ipynb", []string{"nTrain=6", "nTest=1", "imageSize=64", "patchSize=32", "features=4,8", "epochs=1", "maxDiceGap=1", "minBoundaryRatio=0"}, "maxDiceGap"},
	{"embedseg_2d.ipynb", []string{"nTrain=6", "nTest=1", "imageSize=64", "tileSize=32", "epochs=1", "fcnEpochs=1", "minAP=0", "minTileAgree=0"}, "minAP"},
	{"config_and_cli.ipynb", []string{"nTrain=6", "nTest=1", "imageSize=64", "patchSize=32", "features=4,8", "epochs=1", "moreEpochs=2", "minDice=0"}, "minDice"},
}

func TestEveryNotebookIsListed(t *testing.T) {
	files, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, tu := range tutorials {
		listed = append(listed, tu.file)
	}
	sort.Strings(files)
	sort.Strings(listed)
	if strings.Join(files, " ") != strings.Join(listed, " ") {
		t.Errorf("notebooks in the folder %v, listed in the test %v", files, listed)
	}
}

// TestTutorialsAreClean checks what a committed tutorial must be: nbformat 4
// for the im2im kernel, no outputs or execution counts, the first code cell
// tagged parameters declaring every parameter the tests and CI set, and a last
// code cell that checks the threshold.
func TestTutorialsAreClean(t *testing.T) {
	for _, tu := range tutorials {
		t.Run(tu.file, func(t *testing.T) {
			nb, err := notebook.Read(tu.file)
			if err != nil {
				t.Fatal(err)
			}
			var ks struct{ Name string }
			if err := json.Unmarshal(nb.Metadata["kernelspec"], &ks); err != nil || ks.Name != "im2im" {
				t.Errorf("kernelspec %s: want name im2im (%v)", nb.Metadata["kernelspec"], err)
			}
			var code []*notebook.Cell
			for i, c := range nb.Cells {
				if c.ID == "" {
					t.Errorf("cell %d has no id", i)
				}
				if c.Type != "code" {
					continue
				}
				code = append(code, c)
				if len(c.Outputs) > 0 || c.ExecutionCount != 0 {
					t.Errorf("cell %d (%s) has %d outputs, execution count %d: commit notebooks clean", i, c.ID, len(c.Outputs), c.ExecutionCount)
				}
			}
			if len(code) < 3 {
				t.Fatalf("%d code cells", len(code))
			}
			if !code[0].HasTag("parameters") {
				t.Errorf("first code cell %s is not tagged parameters", code[0].ID)
			}
			defaults, err := notebook.ParseDefaults(code[0].Source)
			if err != nil {
				t.Fatalf("parameters cell: %v", err)
			}
			declared := map[string]bool{}
			for _, d := range defaults {
				if d.Type == nil || d.Const {
					t.Errorf("parameter %s cannot be overridden with -p", d.Name)
				}
				declared[d.Name] = true
			}
			for _, p := range append([]string{"workDir=", tu.threshold + "="}, tu.tiny...) {
				if name, _, _ := strings.Cut(p, "="); !declared[name] {
					t.Errorf("parameter %s is not declared in the parameters cell", name)
				}
			}
			last := code[len(code)-1]
			if !strings.Contains(last.Source, tu.threshold) || !strings.Contains(last.Source, "panic(") {
				t.Errorf("last code cell %s does not panic on %s:\n%s", last.ID, tu.threshold, last.Source)
			}
		})
	}
}
