package framework

import (
	stdctx "context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// nearBoundary marks the pixels of a YX label image within r pixels
// (Chebyshev) of a pixel whose 4-neighbour has another label.
func nearBoundary(gt []float32, h, w, r int) []bool {
	edge := make([]bool, h*w)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := gt[y*w+x]
			if (x+1 < w && gt[y*w+x+1] != v) || (y+1 < h && gt[(y+1)*w+x] != v) {
				edge[y*w+x] = true
				if x+1 < w {
					edge[y*w+x+1] = true
				}
				if y+1 < h {
					edge[(y+1)*w+x] = true
				}
			}
		}
	}
	near := make([]bool, h*w)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if !edge[y*w+x] {
				continue
			}
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					if yy, xx := y+dy, x+dx; yy >= 0 && yy < h && xx >= 0 && xx < w {
						near[yy*w+xx] = true
					}
				}
			}
		}
	}
	return near
}

// heldOut predicts each held-out image whole with uncertainty and returns
// the mean Dice of the labels and the ratio of the mean uncertainty channel ch
// within 2 px of an object boundary to its mean elsewhere (ch < 0: Dice only,
// for models without uncertainty).
func heldOut(t *testing.T, m *Model, held []*array.Sample, ch int) (diceMean, ratio float64) {
	t.Helper()
	var near, far float64
	var nNear, nFar int
	for _, s := range held {
		im, gt := s.Arrays["IM"], s.Arrays["GT"]
		h, w := im.Shape[len(im.Shape)-2], im.Shape[len(im.Shape)-1]
		pred, unc, err := m.PredictTCZYXUncertainty(stdctx.Background(), im.Data, []int{1, 1, 1, h, w}, infer.Volume{Dims: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(pred.Data) != len(gt.Data) || (ch >= 0 && unc.Shape[1] != 2) {
			t.Fatalf("prediction %v, uncertainty %v for image %v", pred.Shape, unc.Shape, im.Shape)
		}
		diceMean += dice(pred.Data, gt.Data) / float64(len(held))
		if ch < 0 {
			continue
		}
		b := nearBoundary(gt.Data, h, w, 2)
		for i, u := range unc.Data[ch*h*w : (ch+1)*h*w] {
			if u < 0 || u > 1 {
				t.Fatalf("uncertainty %g outside [0, 1]", u)
			}
			if b[i] {
				near, nNear = near+float64(u), nNear+1
			} else {
				far, nFar = far+float64(u), nFar+1
			}
		}
	}
	if nNear == 0 || nFar == 0 {
		return diceMean, 0
	}
	return diceMean, (near / float64(nNear)) / (far/float64(nFar) + 1e-9)
}

// TestLearnProbUnet2D trains a ProbUnet on synthetic nuclei and checks the
// held-out Dice of its 8-sample mean prediction, that its uncertainty
// (mutual information and entropy) lies on object boundaries, and that the
// trained model's prior samples still differ voxel by voxel.
func TestLearnProbUnet2D(t *testing.T) {
	skipIfShort(t)
	o := synth.Options{Shape: []int{32, 32}, MinRadius: 3, MaxRadius: 5}
	trainSet := pairs(t, synthSamples(t, synth.Semantic, o, 0, 64))
	val := &train.Samples{Items: pairs(t, synthSamples(t, synth.Semantic, o, 20_000, 8)), BatchSize: 8}
	o.Shape = []int{64, 80}
	held := synthSamples(t, synth.Semantic, o, 10_000, 3)
	p := ProbUnet{
		Net:          nets.UNet{Dims: 2, OutChannels: 2, Features: []int{8, 16, 32}},
		Loss:         loss.DiceCE{},
		Segmentation: true,
		Metrics:      mustMetrics(t, "dice"),
		Trainer: train.Config{Epochs: 12, Seed: 1, Monitor: "dice", Progress: logProgress(t),
			Optimizer: train.Optimizer{Kind: "adamw", LR: 1e-2},
			Schedule:  train.Schedule{Kind: "cosine", WarmupSteps: 5, MinLR: 5e-4}},
		Predict: Predict{Output: OutputLabels},
	}
	m, err := New(learnBackend(t), p)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := m.Train(stdctx.Background(), &train.Samples{Items: trainSet, BatchSize: 8, Shuffle: true, Seed: 1}, val)
	if err != nil {
		t.Fatal(err)
	}
	last := res.History[len(res.History)-1]
	d, miRatio := heldOut(t, m, held, UncertaintyMI)
	_, hRatio := heldOut(t, m, held, UncertaintyEntropy)
	fmt.Printf("LEARN 2D ProbUnet segmentation: %d steps in %s, validation loss %.4f Dice %.4f; held-out Dice %.4f (want ≥ 0.88), uncertainty near boundaries / elsewhere: entropy %.1f×, MI %.1f× (want ≥ 3)\n",
		len(res.StepLosses), time.Since(start).Round(time.Second), last.Val["loss"], last.Val["dice"], d, hRatio, miRatio)
	if d < 0.88 {
		t.Errorf("held-out Dice %.4f < 0.88", d)
	}
	if miRatio < 3 {
		t.Errorf("mutual information near boundaries only %.2f× the mean elsewhere, want ≥ 3", miRatio)
	}
	if hRatio < 3 {
		t.Errorf("entropy near boundaries only %.2f× the mean elsewhere, want ≥ 3", hRatio)
	}
	// Inputs unlike the training data (strong added noise) raise the uncertainty.
	clean, noisy := meanUncertainty(t, m, held, 0), meanUncertainty(t, m, held, 1)
	fmt.Printf("LEARN 2D ProbUnet: mean entropy %.4f on held-out images, %.4f with added noise (σ = the image's std)\n", clean, noisy)
	if noisy <= clean {
		t.Errorf("uncertainty did not rise on noisy inputs: %.4f → %.4f", clean, noisy)
	}
	// FCN with the same net, loss and budget: ProbUnet's Dice within 0.02 of it.
	f := FCN{Net: p.Net, Loss: p.Loss, Metrics: p.Metrics, Trainer: p.Trainer, Predict: p.Predict}
	fm, err := New(learnBackend(t), f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fm.Train(stdctx.Background(), &train.Samples{Items: trainSet, BatchSize: 8, Shuffle: true, Seed: 1}, val); err != nil {
		t.Fatal(err)
	}
	fd, _ := heldOut(t, fm, held, -1)
	fmt.Printf("LEARN 2D FCN, same net and budget: held-out Dice %.4f (ProbUnet %.4f, want within 0.02)\n", fd, d)
	if d < fd-0.02 {
		t.Errorf("ProbUnet held-out Dice %.4f more than 0.02 below FCN's %.4f", d, fd)
	}
	im := held[0].Arrays["IM"]
	out, shape, err := m.Predictor()(stdctx.Background(), im.Data, append([]int{1}, im.Shape...))
	if err != nil {
		t.Fatal(err)
	}
	n := len(im.Data)
	mean, std := sampleSpread(out, 2, n, 0, 1, 1)
	fmt.Printf("LEARN 2D ProbUnet: trained samples 0 and 1 (output %v) differ by %.4g ± %.4g (logit of class 1, std over pixels)\n", shape, mean, std)
	if std < 1e-4 {
		t.Errorf("trained samples differ by a near-constant: mean %.4g, std %.4g", mean, std)
	}
}

// TestLearnProbUnet3D trains a 3D ProbUnet on synthetic nuclei volumes and
// checks the held-out Dice of its mean prediction and its uncertainty map's
// shape and range.
func TestLearnProbUnet3D(t *testing.T) {
	skipIfShort(t)
	o := synth.Options{Shape: []int{16, 16, 16}, MinRadius: 3, MaxRadius: 5}
	trainSet := pairs(t, synthSamples(t, synth.Semantic, o, 0, 24))
	val := &train.Samples{Items: pairs(t, synthSamples(t, synth.Semantic, o, 20_000, 4)), BatchSize: 4}
	o.Shape = []int{16, 32, 40}
	held := synthSamples(t, synth.Semantic, o, 10_000, 2)
	p := ProbUnet{
		Net:          nets.UNet{Dims: 3, OutChannels: 2, Features: []int{8, 16, 32}},
		Loss:         loss.DiceCE{},
		Segmentation: true,
		Metrics:      mustMetrics(t, "dice"),
		Trainer: train.Config{Epochs: 10, Seed: 1, Monitor: "dice", Progress: logProgress(t),
			Optimizer: train.Optimizer{Kind: "adamw", LR: 1e-2},
			Schedule:  train.Schedule{Kind: "cosine", WarmupSteps: 5, MinLR: 5e-4}},
		Predict: Predict{Output: OutputLabels},
	}
	m, err := New(learnBackend(t), p)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := m.Train(stdctx.Background(), &train.Samples{Items: trainSet, BatchSize: 4, Shuffle: true, Seed: 1}, val); err != nil {
		t.Fatal(err)
	}
	var d, umax float64
	for _, s := range held {
		im, gt := s.Arrays["IM"], s.Arrays["GT"]
		pred, unc, err := m.PredictTCZYXUncertainty(stdctx.Background(), im.Data, append([]int{1}, im.Shape...), infer.Volume{Dims: 3})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{1, 2, 16, 32, 40}; fmt.Sprint(unc.Shape) != fmt.Sprint(want) {
			t.Fatalf("uncertainty shape %v, want %v", unc.Shape, want)
		}
		for _, u := range unc.Data {
			if u < 0 || u > 1 {
				t.Fatalf("uncertainty %g outside [0, 1]", u)
			}
			umax = max(umax, float64(u))
		}
		d += dice(pred.Data, gt.Data) / float64(len(held))
	}
	fmt.Printf("LEARN 3D ProbUnet segmentation: trained in %s; held-out Dice %.4f (want ≥ 0.85), max uncertainty %.3f\n",
		time.Since(start).Round(time.Second), d, umax)
	if d < 0.85 {
		t.Errorf("3D held-out Dice %.4f < 0.85", d)
	}
}

// TestLearnProbUnetDenoise trains a regression ProbUnet (MSE) to denoise and
// checks the held-out PSNR of its mean prediction against the noisy input's,
// and that its uncertainty (the samples' standard deviation) is finite and
// not all zero.
func TestLearnProbUnetDenoise(t *testing.T) {
	skipIfShort(t)
	o := synth.Options{Shape: []int{32, 32}, MinRadius: 3, MaxRadius: 5}
	trainSet := pairs(t, synthSamples(t, synth.Denoise, o, 0, 64))
	val := &train.Samples{Items: pairs(t, synthSamples(t, synth.Denoise, o, 20_000, 8)), BatchSize: 8}
	o.Shape = []int{64, 80}
	held := synthSamples(t, synth.Denoise, o, 10_000, 3)
	p := ProbUnet{
		Net:     nets.UNet{Dims: 2, OutChannels: 1, Features: []int{8, 16, 32}, Norm: "none"},
		Loss:    loss.MSE{},
		Metrics: mustMetrics(t, "psnr"),
		Trainer: train.Config{Epochs: 15, Seed: 1, Progress: logProgress(t),
			Optimizer: train.Optimizer{Kind: "adamw", LR: 5e-3},
			Schedule:  train.Schedule{Kind: "cosine", WarmupSteps: 5, MinLR: 2e-4}},
	}
	m, err := New(learnBackend(t), p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Train(stdctx.Background(), &train.Samples{Items: trainSet, BatchSize: 8, Shuffle: true, Seed: 1}, val); err != nil {
		t.Fatal(err)
	}
	var in, out, std float64
	for _, s := range held {
		im, gt := s.Arrays["IM"], s.Arrays["GT"]
		pred, unc, err := m.PredictTCZYXUncertainty(stdctx.Background(), im.Data, []int{1, 1, 1, 64, 80}, infer.Volume{Dims: 2})
		if err != nil {
			t.Fatal(err)
		}
		in += psnr(im.Data, gt.Data) / float64(len(held))
		out += psnr(pred.Data, gt.Data) / float64(len(held))
		for _, u := range unc.Data {
			std += float64(u) / float64(len(unc.Data)*len(held))
		}
	}
	fmt.Printf("LEARN 2D ProbUnet denoising: held-out PSNR %.2f dB (noisy input %.2f dB, want ≥ +6 dB), mean sample std %.4g\n", out, in, std)
	if out < in+6 {
		t.Errorf("held-out PSNR %.2f dB, not 6 dB above the input's %.2f dB", out, in)
	}
	if !(std > 0) || std > 1e3 {
		t.Errorf("mean sample std %g: want finite and > 0", std)
	}
}

// meanUncertainty is the mean normalised entropy over held-out images with
// Gaussian noise of noise × each image's standard deviation added.
func meanUncertainty(t *testing.T, m *Model, held []*array.Sample, noise float64) float64 {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 7))
	var sum float64
	for _, s := range held {
		im := s.Arrays["IM"]
		var mu, sq float64
		for _, v := range im.Data {
			mu += float64(v)
			sq += float64(v) * float64(v)
		}
		mu /= float64(len(im.Data))
		sd := math.Sqrt(math.Max(sq/float64(len(im.Data))-mu*mu, 0))
		x := make([]float32, len(im.Data))
		for i, v := range im.Data {
			x[i] = v + float32(noise*sd*r.NormFloat64())
		}
		h, w := im.Shape[len(im.Shape)-2], im.Shape[len(im.Shape)-1]
		_, unc, err := m.PredictTCZYXUncertainty(stdctx.Background(), x, []int{1, 1, 1, h, w}, infer.Volume{Dims: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range unc.Data[UncertaintyEntropy*h*w : (UncertaintyEntropy+1)*h*w] {
			sum += float64(u) / float64(h*w*len(held))
		}
	}
	return sum
}
