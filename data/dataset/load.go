package dataset

import (
	"fmt"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/data/store"
	"github.com/im2im/im2im/data/transform"
)

// Load reads every file of a subject as float32, CYX for dims 2 and CZYX for
// dims 3. Files with more than one time point (T > 1) are refused, as Check
// reports them, rather than silently reduced to their first frame.
func Load(s Subject, dims int) (*array.Sample, error) {
	order := map[int]string{2: "CYX", 3: "CZYX"}[dims]
	if order == "" {
		return nil, fmt.Errorf("dataset: dims %d: want 2 or 3", dims)
	}
	out := array.NewSample(s.ID)
	for _, r := range sortedRoles(s) {
		p := s.Files[r]
		img, err := imageio.Open(p)
		if err != nil {
			return nil, fmt.Errorf("dataset: subject %s, %s: %w", s.ID, r, err)
		}
		m := img.Meta()
		if t := m.Shape[0]; t > 1 {
			img.Close()
			return nil, fmt.Errorf("dataset: subject %s, %s: %s has T=%d time points; im2im trains on one time point per file (split it, e.g. `im2im image convert FILE OUT --T n`)", s.ID, r, p, t)
		}
		if dims == 2 && m.Shape[2] != 1 {
			img.Close()
			return nil, fmt.Errorf("dataset: subject %s, %s: %s has Z=%d but the data is declared 2D", s.ID, r, p, m.Shape[2])
		}
		a, err := img.Read(imageio.Selection{Dims: order, T: imageio.At(0)})
		img.Close()
		if err != nil {
			return nil, fmt.Errorf("dataset: subject %s, %s: %w", s.ID, r, err)
		}
		arr, err := array.FromData(a.Float32(), a.Shape...)
		if err != nil {
			return nil, fmt.Errorf("dataset: subject %s, %s: %w", s.ID, r, err)
		}
		out.Arrays[r] = arr
	}
	if _, err := out.Spatial(); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	return out, nil
}

// CacheJobs returns one store job per subject: the key hashes the subject's
// files (path, size, mtime), the deterministic chain and dims; the job loads the
// subject and runs the chain (which must yield one sample).
func CacheJobs(subjects []Subject, dims int, det transform.Chain) ([]store.Job, error) {
	for _, t := range det {
		if t.Random() {
			return nil, fmt.Errorf("dataset: %s is random and cannot be cached; cache only the deterministic prefix (Chain.Split)", t.Name())
		}
	}
	fp := det.Fingerprint()
	jobs := make([]store.Job, 0, len(subjects))
	for _, s := range subjects {
		ids := map[string]store.FileID{}
		for r, p := range s.Files {
			id, err := store.Identify(p)
			if err != nil {
				return nil, fmt.Errorf("dataset: subject %s, %s: %w", s.ID, r, err)
			}
			ids[r] = id
		}
		jobs = append(jobs, store.Job{
			Key: store.SampleKey(ids, fp, fmt.Sprintf("dims=%d", dims)),
			ID:  s.ID,
			Load: func() (*array.Sample, error) {
				smp, err := Load(s, dims)
				if err != nil {
					return nil, err
				}
				out, err := det.Apply(smp, nil)
				if err != nil {
					return nil, err
				}
				if len(out) != 1 {
					return nil, fmt.Errorf("dataset: the cached chain made %d samples of %s, want 1", len(out), s.ID)
				}
				return out[0], nil
			},
		})
	}
	return jobs, nil
}
