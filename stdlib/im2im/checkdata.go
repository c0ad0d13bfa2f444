package im2im

import (
	"fmt"
	"slices"
	"strings"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/loader"
)

// checkData compares the first training sample with the declaration: roles,
// channels, patch size and label values (loader.PipelineConfig.CheckFirst).
// files names the sample's files by role (problems name the file).
func checkData(r Config, s *array.Sample, files map[string]string) error {
	var ps Problems
	d, net, seg := r.Data, r.fcn().Net.config(), r.Model.labels()
	in, ok := s.Arrays[d.Input]
	gt, gtOK := s.Arrays[d.Target]
	unpaired := d.Category == "unpair" // a sample holds one domain: IM or GT
	if !ok && (!unpaired || !gtOK) {
		ps.Add("data.input", "sample %s has no %q image (has %v)", s.ID, d.Input, s.Keys())
	}
	if !gtOK && !unpaired {
		ps.Add("data.target", "sample %s has no %q image (has %v)", s.ID, d.Target, s.Keys())
	}
	if d.CostMap != "" {
		if _, ok := s.Arrays[d.CostMap]; !ok {
			ps.Add("data.cost_map", "sample %s has no %q image (has %v)", s.ID, d.CostMap, s.Keys())
		}
	}
	if in != nil && unpaired && in.Shape[0] != net.OutChannels {
		ps.Add("model."+r.Model.netKey()+".out_channels", "%d but the domain A images of %s have %d channels (both domains need the generators' channel count)", net.OutChannels, s.ID, in.Shape[0])
	}
	if in != nil && d.Dims == 3 && in.Shape[1] == 1 {
		// A 3D config (often a _3d preset) on 2D images: say so once, not as
		// a patch larger than the image along every axis.
		ps.Add("data.dims", "%s", planarData(r, nameOf(files, d.Input, s.ID), in.Shape[2:]))
		return &ValidationError{Problems: ps}
	}
	if in != nil {
		if c := net.InChannels; c > 0 && in.Shape[0] != c {
			ps.Add("model."+r.Model.netKey()+".in_channels", "%d but the %s images of %s have %d channels", c, d.Input, s.ID, in.Shape[0])
		}
		ps = append(ps, patchProblems(r, nameOf(files, d.Input, s.ID), in.Shape[1:])...)
	}
	if _, instances := r.Model.(EmbedSeg); gt != nil && instances {
		// The cached chain made the target [instances, centres] (embedsegTargets
		// refuses label images of several channels with the file's name).
		if err := checkInstanceIDs(gt.Data[:len(gt.Data)/max(1, gt.Shape[0])]); err != nil {
			ps.Add("data.target", "%s: %v", nameOf(files, d.Target, s.ID), err)
		}
	} else if gt != nil {
		out := net.OutChannels
		if seg {
			if gt.Shape[0] != 1 {
				ps.Add("data.target", "segmentation targets must have 1 channel of labels, %s has %d", s.ID, gt.Shape[0])
			}
			ps = append(ps, labelProblems(r, nameOf(files, d.Target, s.ID), gt.Data)...)
		} else if gt.Shape[0] != out {
			ps.Add("model."+r.Model.netKey()+".out_channels", "%d but the %s images of %s have %d channels", out, d.Target, s.ID, gt.Shape[0])
		}
	}
	if len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	return nil
}

// checkStored checks one stored sample of any subject before training
// (loader.PipelineConfig.CheckEach): finite values (samples stored before
// dataset.Load refused NaN), an image at least as large as the patch (training
// draws patches, validation crops one),
// and segmentation labels within the class count. Problems name the file.
func checkStored(r Config, s loader.StoredSample) error {
	var ps Problems
	d := r.Data
	for _, role := range s.Meta.Roles() {
		if a := s.Meta.Arrays[role]; a.Range != nil && a.Range.NonFinite > 0 {
			ps.Add("data.path", "%s has %d NaN or infinite values; training on them makes the loss NaN: replace them or leave the file out",
				nameOf(s.Subject.Files, role, s.Subject.ID), a.Range.NonFinite)
		}
	}
	if a, ok := s.Meta.Arrays[d.Input]; ok { // validation crops the patch size too
		ps = append(ps, patchProblems(r, nameOf(s.Subject.Files, d.Input, s.Subject.ID), a.Shape[1:])...)
	}
	if a, ok := s.Meta.Arrays[d.Target]; ok && r.Model.labels() && d.Category != "unpair" && a.Range != nil {
		if classes := numClasses(r); a.Range.Min < 0 || int(a.Range.Max) >= classes {
			smp, err := s.Read()
			if err != nil {
				return err
			}
			ps = append(ps, labelProblems(r, nameOf(s.Subject.Files, d.Target, s.Subject.ID), smp.Arrays[d.Target].Data)...)
		}
	}
	if len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	return nil
}

// nameOf names the file of role among files (id when there is none).
func nameOf(files map[string]string, role, id string) string {
	if f, ok := files[role]; ok {
		return f
	}
	return id
}

// numClasses is the number of label values a segmentation model tells apart:
// its output channels, and at least 2 (one channel is foreground/background).
func numClasses(r Config) int { return max(r.fcn().Net.config().OutChannels, 2) }

// patchProblems compares the patch size with the spatial shape sp of the
// image called name.
func patchProblems(r Config, name string, sp []int) Problems {
	var ps Problems
	size := r.Data.Patch.Size
	for i := range sp {
		if i < len(size) && size[i] > sp[i] {
			ps.Add(fmt.Sprintf("data.patch.size[%d]", i), "%d is larger than image %s (%v)", size[i], name, sp)
		}
	}
	return ps
}

// labelProblems lists the label values of the target called name that the
// model cannot predict (negative or ≥ the class count).
func labelProblems(r Config, name string, labels []float32) Problems {
	classes := numClasses(r)
	seen := map[float32]bool{}
	var bad []float32
	for _, v := range labels {
		if (v < 0 || v >= float32(classes)) && !seen[v] {
			seen[v] = true
			bad = append(bad, v)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	const shown = 8
	var vals []string
	for _, v := range bad[:min(len(bad), shown)] {
		vals = append(vals, fmt.Sprint(v))
	}
	if len(bad) > shown {
		vals = append(vals, fmt.Sprintf("… (%d values)", len(bad)))
	}
	var ps Problems
	ps.Add("model."+r.Model.netKey()+".out_channels", "%d classes (labels 0..%d) but target %s has labels %s",
		r.fcn().Net.config().OutChannels, classes-1, name, strings.Join(vals, ", "))
	return ps
}

// planarData explains a 3D config meeting a 2D image (file, Y×X yx) and
// what to use instead: the 2D presets of the same kind of model, or the
// settings to change.
func planarData(r Config, file string, yx []int) string {
	var same []string
	for _, n := range Presets() {
		p, err := Preset(n)
		if err != nil {
			continue
		}
		if p = p.Resolved(); p.Data.Dims == 2 && p.Model.Framework() == r.Model.Framework() && p.Model.labels() == r.Model.labels() {
			same = append(same, n)
		}
	}
	use := ""
	if len(same) > 0 {
		use = "use a 2D preset (" + strings.Join(same, ", ") + "), or "
	}
	return fmt.Sprintf("the config is 3D (patch %s) but the data is 2D (%s is a single plane of %d×%d): %sset data.dims 2, a 2D data.patch.size and model.%s.dims 2",
		joinX(r.Data.Patch.Size), file, yx[0], yx[1], use, r.Model.netKey())
}

// joinX writes sizes as Z×Y×X.
func joinX(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, v := range sizes {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "×")
}
