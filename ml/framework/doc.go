// Package framework holds im2im's model categories, mirroring mmv_im2im's pl_*
// modules, behind one contract (contract.go: Framework). A framework owns its
// nets, losses, training step (one train.Objective per optimizer), validation
// metrics, checkpoint content (the variables its Task creates) and inference
// with post-processing; ml/train owns the loop around it. New binds a framework
// to a backend as a Model (model.go) that trains, evaluates, loads and predicts.
//
// Each category is one set of files: FCN (fcn.go, fcn_output.go) is the first, a
// fully-convolutional network trained with a supervised loss (semantic
// segmentation, denoising, label-free prediction, ...); Pix2Pix (pix2pix.go) is
// paired translation with a conditional GAN: two objectives per step
// (generator, then discriminator), variables below GeneratorScope and
// DiscriminatorScope; CycleGAN (cyclegan.go, pool.go) is unpaired translation
// with two generators, two discriminators and replay pools (gan.go: the checks
// and variable scopes both GANs share), fed by Unpaired
// (unpaired.go: two domains' datasets zipped); ProbUnet (probunet.go,
// probunet_graph.go, probunet_stats.go) is the probabilistic U-Net: prior and
// posterior Gaussians over a small latent space, a ReLU combiner, and
// inference that averages prior samples and maps their spread
// (Inference.Uncertainty, Model.PredictTCZYXUncertainty in
// model_uncertainty.go); EmbedSeg (embedseg.go, embedseg_data.go,
// embedseg_metrics.go) is instance segmentation by spatial embeddings: the
// spatial embedding loss on per-crop relabelled instances (EmbedSegData),
// validation that clusters each crop on the host (train.Metric.Host: ap50, …),
// and inference that stitches raw windows and clusters the whole image once
// (ml/instance). Shared pieces: metrics.go
// (metrics by name), samples.go and loader.go (data to trainer batches).
//
// Prediction (model.go) runs the network in sliding windows (ml/infer)
// chosen by window.go's ChooseWindow: the whole image when it fits the
// memory budget, else the largest window under it, aligned to the net's
// down-sampling grid. Instance and group norm normalise each window by its
// own statistics, which would make a tiled prediction depend on the tiling
// (an empty window's noise stretched into objects), so FCN
// (Inference.WholeImageStats) normalises tiled images with the statistics of
// the whole image (tiling_stats.go): one pass over the windows per norm layer
// in network order, each collecting that layer's moments over the region
// every window owns while the layers before already use the whole-image
// statistics, then the prediction with all layers on them. Batch norm uses
// its running statistics at inference and needs no pass.
//
// framework imports GoMLX, ml/train, ml/infer, ml/post, ml/metric, ml/nets
// (nets.FieldError, nets.PatchGAN), ml/loss (GAN criteria, the spatial
// embedding loss), ml/instance (clustering, matching), ml/nn (weight
// initialisation), data/array and data/loader; networks and losses come in
// through the small Net and Loss interfaces that ml/nets and ml/loss implement.
package framework
