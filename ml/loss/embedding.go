package loss

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// GridCoordinates returns the coordinate grid [Dims, S...] of a crop of the given
// spatial size (len 2 or 3), in the embedding's channel order x, y (, z): channel c
// holds i·step along array axis len(spatial)−1−c, with step[2−c] (step is ordered
// z, y, x). The origin is the crop's first voxel; offsets are relative, so only
// the step matters.
func GridCoordinates(g *graph.Graph, dt dtypes.DType, spatial []int, step [3]float64) *graph.Node {
	d := len(spatial)
	chans := make([]*graph.Node, d)
	for c := range d {
		axis := d - 1 - c
		chans[c] = graph.MulScalar(graph.Iota(g, shapes.Make(dt, spatial...), axis), step[2-c])
	}
	return graph.Stack(chans, 0)
}

// EmbeddingParts splits a raw EmbedSeg prediction pred [B, 2·dims+1, S...] into
// the pixel embedding emb = tanh(offset) + coordinate [B, dims, S...] (channels x,
// y (, z), coordinates from GridCoordinates with step), the raw sigmas [B, dims,
// S...] (the bandwidth is exp(10·σ)) and the seed logits [B, 1, S...] (the seed
// map is their sigmoid).
func EmbeddingParts(pred *graph.Node, dims int, step [3]float64) (emb, sigma, seed *graph.Node) {
	pd := pred.Shape().Dimensions
	if len(pd) != dims+2 || pd[1] != 2*dims+1 {
		panic(fmt.Errorf("spatial embedding: prediction %v: want [batch, %d, %d spatial axes] (offsets, sigmas, seed)", pd, 2*dims+1, dims))
	}
	channels := func(from, to int) *graph.Node {
		return graph.SliceAxis(pred, 1, graph.AxisRange(from, to))
	}
	coord := graph.ExpandAxes(GridCoordinates(pred.Graph(), pred.DType(), pd[2:], step), 0)
	emb = graph.Add(graph.Tanh(channels(0, dims)), coord)
	return emb, channels(dims, 2*dims), channels(2*dims, 2*dims+1)
}

// SpatialEmbedding is EmbedSeg's spatial embedding loss (mmv_im2im's
// SpatialEmbLoss_2d/_3d, Neven et al.) for a raw prediction pred [B, 2·Dims+1,
// S...] (EmbeddingParts), instance ids instances [B, 1, S...] (float; 0 =
// background, objects 1..K with K = cfg.MaxInstances) and centre images centres
// [B, 1, S...] (1 at each instance's centre voxel). Per image, for each instance k
// present with mask M_k:
//
//   - centre C_k: the grid coordinate of its centre voxel when M_k holds exactly
//     one, else the mean coordinate of M_k;
//   - σ̄_k: the mean of the raw sigmas over M_k; variance term: the mean over M_k
//     and the Dims channels of (σ − stopgrad(σ̄_k))²;
//   - φ_k = exp(−Σ_a exp(10·σ̄_k,a)·(emb_a − C_k,a)²) over every voxel;
//   - instance term: the Lovász hinge of logits 2φ_k − 1 against M_k over every
//     voxel (LovaszHinge with cfg.Bins);
//   - foreground seed term: ForegroundWeight·Σ_{M_k} (seed − stopgrad(φ_k))².
//
// The image loss is instance/K' + 10·variance/K' + (Σ_{ids = 0} seed² + foreground
// seed)/voxels, with K' the number of instances present (terms 0 when none); the
// result is the mean over images. Everything runs on [B, K, voxels] tensors, with no
// loop over instances. It panics with a clear error on mismatched shapes or an
// invalid cfg.
func SpatialEmbedding(cfg SpatialEmbeddingConfig, pred, instances, centres *graph.Node) *graph.Node {
	inst, vari, seed := spatialEmbeddingTerms(cfg, pred, instances, centres)
	return graph.ReduceAllMean(graph.Add(graph.Add(inst, graph.MulScalar(vari, 10)), seed))
}

// spatialEmbeddingTerms returns SpatialEmbedding's three terms per image [B]:
// instance (Lovász, per object), variance (per object) and seed (per voxel).
func spatialEmbeddingTerms(cfg SpatialEmbeddingConfig, pred, instances, centres *graph.Node) (inst, vari, seedTerm *graph.Node) {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	cfg = cfg.WithDefaults()
	d := cfg.Dims
	emb, sigma, seedLogit := EmbeddingParts(pred, d, cfg.Step)
	pd := pred.Shape().Dimensions
	for name, x := range map[string]*graph.Node{"instances": instances, "centres": centres} {
		xd := x.Shape().Dimensions
		ok := len(xd) == len(pd) && xd[0] == pd[0] && xd[1] == 1
		for i := 2; ok && i < len(pd); i++ {
			ok = xd[i] == pd[i]
		}
		if !ok {
			panic(fmt.Errorf("spatial embedding: %s %v: want [%d, 1, %v] to match prediction %v", name, xd, pd[0], pd[2:], pd))
		}
	}
	g, dt := pred.Graph(), pred.DType()
	b, k := pd[0], cfg.MaxInstances
	n := 1
	for _, s := range pd[2:] {
		n *= s
	}
	e := graph.Reshape(emb, b, d, n)
	sig := graph.Reshape(sigma, b, d, n)
	seed := graph.Sigmoid(graph.Reshape(seedLogit, b, n))
	ids := graph.Reshape(graph.ConvertDType(instances, dt), b, 1, n)
	ce := graph.Reshape(graph.ConvertDType(centres, dt), b, n)
	one := graph.Scalar(g, dt, 1)

	// One-hot masks [B, K, N] of ids 1..K, their areas and presence.
	kIDs := graph.AddScalar(graph.Iota(g, shapes.Make(dt, b, k, n), 1), 1)
	masks := graph.ConvertDType(graph.Equal(graph.BroadcastToDims(ids, b, k, n), kIDs), dt)
	area := graph.ReduceSum(masks, 2) // [B, K]
	present := graph.ConvertDType(graph.GreaterThan(area, graph.ZerosLike(area)), dt)
	count := graph.ReduceSum(present, 1) // [B]
	safeArea := graph.Max(area, one)
	// perInstance sums x [B, C, N] over each mask: [B, K, C].
	perInstance := func(x *graph.Node) *graph.Node {
		return graph.DotGeneral(masks, []int{2}, []int{0}, x, []int{2}, []int{0})
	}

	// Sigma means and the variance term (masks are disjoint, so each voxel's own
	// instance mean is one product with the masks).
	sigMean := graph.Div(perInstance(sig), graph.ExpandAxes(safeArea, -1))                              // [B, K, D]
	own := graph.DotGeneral(graph.StopGradient(sigMean), []int{1}, []int{0}, masks, []int{1}, []int{0}) // [B, D, N]
	sq := graph.ReduceAndKeep(graph.Square(graph.Sub(sig, own)), graph.ReduceSum, 1)                    // [B, 1, N]
	variance := graph.Div(graph.Reshape(perInstance(sq), b, k), graph.MulScalar(safeArea, float64(d)))

	// Centres [B, K, D]: the centre voxel's coordinate if exactly one, else the mean.
	coord := graph.Reshape(GridCoordinates(g, dt, pd[2:], cfg.Step), d, n)
	coordSum := func(m *graph.Node) *graph.Node { return graph.DotGeneral(m, []int{2}, nil, coord, []int{1}, nil) }
	centreMasks := graph.Mul(masks, graph.ExpandAxes(ce, 1))
	nCentres := graph.ReduceSum(centreMasks, 2) // [B, K]
	meanCoord := graph.Div(coordSum(masks), graph.ExpandAxes(safeArea, -1))
	exactlyOne := graph.BroadcastToDims(graph.ExpandAxes(graph.Equal(nCentres, graph.OnesLike(nCentres)), -1), b, k, d)
	centre := graph.Where(exactlyOne, coordSum(centreMasks), meanCoord)

	// Soft membership φ [B, K, N].
	bandwidth := graph.Exp(graph.MulScalar(sigMean, 10)) // [B, K, D]
	var dist *graph.Node
	for a := range d {
		ea := graph.SliceAxis(e, 1, graph.AxisElem(a))         // [B, 1, N]
		ca := graph.SliceAxis(centre, 2, graph.AxisElem(a))    // [B, K, 1]
		sa := graph.SliceAxis(bandwidth, 2, graph.AxisElem(a)) // [B, K, 1]
		term := graph.Mul(graph.Square(graph.Sub(ea, ca)), sa) // [B, K, N]
		if dist == nil {
			dist = term
		} else {
			dist = graph.Add(dist, term)
		}
	}
	phi := graph.Exp(graph.Neg(dist))

	// Instance term: Lovász hinge per (image, instance).
	logits := graph.Reshape(graph.AddScalar(graph.MulScalar(phi, 2), -1), b*k, n)
	lovasz := graph.Reshape(LovaszHinge(logits, graph.Reshape(masks, b*k, n), cfg.Bins), b, k)

	// Seed terms.
	background := graph.ConvertDType(graph.Equal(graph.Reshape(ids, b, n), graph.Zeros(g, shapes.Make(dt, b, n))), dt)
	bgSeed := graph.ReduceSum(graph.Mul(graph.Square(seed), background), 1)
	ownPhi := graph.StopGradient(graph.ReduceSum(graph.Mul(masks, phi), 1)) // [B, N]
	inAny := graph.ReduceSum(masks, 1)                                      // [B, N]
	fgSeed := graph.ReduceSum(graph.Mul(graph.Square(graph.Sub(seed, ownPhi)), inAny), 1)
	seedTerm = graph.DivScalar(graph.Add(bgSeed, graph.MulScalar(fgSeed, cfg.ForegroundWeight)), float64(n))

	perObject := graph.Max(count, one)
	inst = graph.Div(graph.ReduceSum(graph.Mul(lovasz, present), 1), perObject)
	vari = graph.Div(graph.ReduceSum(graph.Mul(variance, present), 1), perObject)
	return inst, vari, seedTerm
}
