package loader

import (
	"errors"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/store"
)

// StoredSample is one stored sample as PipelineConfig.CheckEach sees it.
type StoredSample struct {
	// Subject names the sample's files.
	Subject dataset.Subject
	// Meta is the stored metadata: shapes after the deterministic chain, and
	// value ranges.
	Meta *store.Meta
	// Read reads the whole stored sample (for a closer look at a problem).
	Read func() (*array.Sample, error)
}

// checkEach runs check on every stored sample of d (train, then val; jobs in
// the same order) and returns every problem at once.
func checkEach(st *store.Store, d *dataset.Dataset, trainJobs, valJobs []store.Job, check func(StoredSample) error) error {
	var errs []error
	for i, j := range append(append([]store.Job(nil), trainJobs...), valJobs...) {
		m, err := st.MetaRanges(j.Key)
		if err != nil {
			return err
		}
		s := StoredSample{Meta: m, Read: func() (*array.Sample, error) { return st.Get(j.Key) }}
		if i < len(trainJobs) {
			s.Subject = d.Train[i]
		} else {
			s.Subject = d.Val[i-len(trainJobs)]
		}
		errs = append(errs, check(s))
	}
	return errors.Join(errs...)
}
