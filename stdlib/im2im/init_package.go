package im2im

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/im2im/im2im/ml/bioimageio"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/onnx"
)

// isPackage says whether trainer.init_from names a bioimage.io model package
// (a .zip, or a folder holding rdf.yaml) rather than a checkpoint.
func isPackage(path string) bool {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return true
	}
	_, err := os.Stat(filepath.Join(path, bioimageio.RDFName))
	return err == nil
}

// withPackageInit returns the engine f initialised from the package that
// trainer.init_from names: its ONNX weights read back into the run's net
// (onnx.Import; the net must be the one im2im exported the package from, the
// first difference is the error). FCN and EmbedSeg runs load them into their
// net, pix2pix runs into their generator.
func withPackageInit(f framework.Framework, path string) (framework.Framework, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("trainer.init_from %s: %s", path, fmt.Sprintf(format, args...))
	}
	var net any
	switch e := f.(type) {
	case framework.FCN:
		net = e.Net
	case framework.Pix2Pix:
		net = e.Generator
	case framework.EmbedSeg:
		net = e.Net
	default:
		return nil, bad("a model package initialises fcn, pix2pix and embedseg runs; this run is %s", f.Name())
	}
	p, err := bioimageio.ReadPackage(path)
	if err != nil {
		return nil, bad("%v", err)
	}
	if p.Desc.Weights.ONNX == nil {
		return nil, bad("the package has no ONNX weights; im2im reads ONNX weights only")
	}
	src := p.Desc.Weights.ONNX.Source
	w, err := onnx.Import(net, p.Files[src], onnx.Options{})
	if err != nil {
		return nil, bad("%s does not hold this run's net: %v", src, err)
	}
	switch e := f.(type) {
	case framework.FCN:
		e.Trainer.InitWeights = w
		return e, nil
	case framework.Pix2Pix:
		e.Trainer.InitWeights = w
		return e, nil
	case framework.EmbedSeg:
		e.Trainer.InitWeights = w
		return e, nil
	}
	return f, nil
}

// packageInitProblems checks that trainer.init_from's package fits the
// resolved config's model (see withPackageInit).
func packageInitProblems(r Config) Problems {
	var ps Problems
	f, err := r.Model.engine(r, "", nil)
	if err != nil {
		return nil // the model section reports it
	}
	if _, err := withPackageInit(f, r.Trainer.InitFrom); err != nil {
		ps.Add("trainer.init_from", "%s", strings.TrimPrefix(err.Error(), "trainer.init_from "))
	}
	return ps
}
