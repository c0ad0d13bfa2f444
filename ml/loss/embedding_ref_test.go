package loss

import (
	"math"
	"math/rand/v2"
	"sort"
)

// embedCase is one batch for SpatialEmbedding: pred [B, 2D+1, S...], instances and
// centres [B, 1, S...], flat row-major.
type embedCase struct {
	spatial             []int
	batch               int
	pred, inst, centres []float64
}

func (c embedCase) dims() int { return len(c.spatial) }

func (c embedCase) voxels() int {
	n := 1
	for _, s := range c.spatial {
		n *= s
	}
	return n
}

// coordOf returns the grid coordinate of voxel v in channel order x, y (, z).
func (c embedCase) coordOf(v int, step [3]float64) []float64 {
	d := c.dims()
	idx := make([]int, d)
	for a := d - 1; a >= 0; a-- {
		idx[a] = v % c.spatial[a]
		v /= c.spatial[a]
	}
	out := make([]float64, d)
	for ch := range d {
		out[ch] = float64(idx[d-1-ch]) * step[2-ch]
	}
	return out
}

// refLovasz is the sort-based binary Lovász hinge (float64).
func refLovasz(logits []float64, labels []bool) float64 {
	n := len(logits)
	errs := make([]float64, n)
	order := make([]int, n)
	p := 0.0
	for i := range n {
		s := -1.0
		if labels[i] {
			s = 1
			p++
		}
		errs[i] = 1 - logits[i]*s
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return errs[order[a]] > errs[order[b]] })
	loss, prev, cp, cn := 0.0, 0.0, 0.0, 0.0
	for _, i := range order {
		if labels[i] {
			cp++
		} else {
			cn++
		}
		j := 1 - (p-cp)/(p+cn)
		loss += math.Max(errs[i], 0) * (j - prev)
		prev = j
	}
	return loss
}

// refSpatialEmbedding is the loss of §3.3 by loops over instances, with a true sort.
func refSpatialEmbedding(cfg SpatialEmbeddingConfig, c embedCase) float64 {
	inst, vari, seed := refEmbeddingTerms(cfg, c)
	return inst + 10*vari + seed
}

// refEmbeddingTerms returns the batch means of the instance, variance and seed terms.
func refEmbeddingTerms(cfg SpatialEmbeddingConfig, c embedCase) (inst, vari, seed float64) {
	cfg = cfg.WithDefaults()
	d, n := c.dims(), c.voxels()
	ch := 2*d + 1
	for b := range c.batch {
		at := func(channel, v int) float64 { return c.pred[(b*ch+channel)*n+v] }
		emb := make([][]float64, n)
		seeds := make([]float64, n)
		for v := range n {
			co := c.coordOf(v, cfg.Step)
			emb[v] = make([]float64, d)
			for a := range d {
				emb[v][a] = math.Tanh(at(a, v)) + co[a]
			}
			seeds[v] = 1 / (1 + math.Exp(-at(2*d, v)))
		}
		ids := c.inst[b*n : (b+1)*n]
		cen := c.centres[b*n : (b+1)*n]
		seedLoss, instLoss, varLoss, count := 0.0, 0.0, 0.0, 0
		for v := range n {
			if ids[v] == 0 {
				seedLoss += seeds[v] * seeds[v]
			}
		}
		for k := 1; k <= cfg.MaxInstances; k++ {
			var mask []int
			for v := range n {
				if int(ids[v]) == k {
					mask = append(mask, v)
				}
			}
			if len(mask) == 0 {
				continue
			}
			count++
			centre := make([]float64, d)
			var cpix []int
			for _, v := range mask {
				if cen[v] > 0 {
					cpix = append(cpix, v)
				}
			}
			if len(cpix) == 1 {
				centre = c.coordOf(cpix[0], cfg.Step)
			} else {
				for _, v := range mask {
					for a, x := range c.coordOf(v, cfg.Step) {
						centre[a] += x / float64(len(mask))
					}
				}
			}
			sMean := make([]float64, d)
			for _, v := range mask {
				for a := range d {
					sMean[a] += at(d+a, v) / float64(len(mask))
				}
			}
			vr := 0.0
			for _, v := range mask {
				for a := range d {
					vr += math.Pow(at(d+a, v)-sMean[a], 2)
				}
			}
			varLoss += vr / float64(len(mask)*d)
			logits := make([]float64, n)
			labels := make([]bool, n)
			phi := make([]float64, n)
			for v := range n {
				dist := 0.0
				for a := range d {
					dist += math.Exp(10*sMean[a]) * math.Pow(emb[v][a]-centre[a], 2)
				}
				phi[v] = math.Exp(-dist)
				logits[v] = 2*phi[v] - 1
				labels[v] = int(ids[v]) == k
			}
			instLoss += refLovasz(logits, labels)
			for _, v := range mask {
				seedLoss += cfg.ForegroundWeight * math.Pow(seeds[v]-phi[v], 2)
			}
		}
		if count > 0 {
			instLoss /= float64(count)
			varLoss /= float64(count)
		}
		inst += instLoss / float64(c.batch)
		vari += varLoss / float64(c.batch)
		seed += seedLoss / float64(n*c.batch)
	}
	return inst, vari, seed
}

// discCase draws a batch of crops with touching discs (ids 1..), centre pixels at
// the rounded centroid (dropped now and then, so the mean fallback is exercised),
// and a prediction halfway trained: inside each object the offsets point to its
// centre with a few voxels of noise, sigmas per object around 0.5..1.1 (bandwidths
// e^5..e^11), background offsets small, seeds random.
func discCase(seed uint64, batch int, spatial []int, objects int, step [3]float64) embedCase {
	r := rand.New(rand.NewPCG(seed, 99))
	c := embedCase{spatial: spatial, batch: batch}
	d, n := len(spatial), 1
	for _, s := range spatial {
		n *= s
	}
	ch := 2*d + 1
	c.pred = make([]float64, batch*ch*n)
	c.inst = make([]float64, batch*n)
	c.centres = make([]float64, batch*n)
	for b := range batch {
		ids := c.inst[b*n : (b+1)*n]
		for k := 1; k <= objects; k++ {
			ctr := make([]float64, d)
			for a := range d {
				ctr[a] = r.Float64() * float64(spatial[a]-1)
			}
			rad := 1.5 + r.Float64()*float64(min(spatial[d-1], spatial[d-2]))/4
			for v := range n {
				rest, d2 := v, 0.0
				for a := d - 1; a >= 0; a-- {
					d2 += math.Pow(float64(rest%spatial[a])-ctr[a], 2)
					rest /= spatial[a]
				}
				if d2 <= rad*rad {
					ids[v] = float64(k)
				}
			}
		}
		at := func(channel, v int) *float64 { return &c.pred[(b*ch+channel)*n+v] }
		for k := 1; k <= objects; k++ {
			var mask []int
			for v := range n {
				if int(ids[v]) == k {
					mask = append(mask, v)
				}
			}
			if len(mask) == 0 {
				continue
			}
			mean := make([]float64, d)
			for _, v := range mask {
				for a, x := range c.coordOf(v, [3]float64{1, 1, 1}) {
					mean[a] += x / float64(len(mask))
				}
			}
			// Centre voxel: the mask voxel nearest the centroid (in voxel units).
			best, bestD := mask[0], math.Inf(1)
			for _, v := range mask {
				dd := 0.0
				for a, x := range c.coordOf(v, [3]float64{1, 1, 1}) {
					dd += math.Pow(x-mean[a], 2)
				}
				if dd < bestD {
					best, bestD = v, dd
				}
			}
			if r.Float64() < 0.8 {
				c.centres[b*n+best] = 1
			}
			target := c.coordOf(best, step)
			sig := 0.5 + 0.6*r.Float64()
			for _, v := range mask {
				co := c.coordOf(v, step)
				for a := range d {
					off := target[a] - co[a] + r.NormFloat64()*2*step[2-a]
					*at(a, v) = math.Atanh(math.Max(-0.999, math.Min(0.999, off)))
					*at(d+a, v) = sig + 0.05*r.NormFloat64()
				}
			}
		}
		for v := range n {
			if ids[v] == 0 {
				for a := range d {
					*at(a, v) = 0.01 * r.NormFloat64()
					*at(d+a, v) = 0.8 + 0.1*r.NormFloat64()
				}
			}
			*at(2*d, v) = r.NormFloat64()
		}
	}
	return c
}
