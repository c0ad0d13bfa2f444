// Package im2im is what notebook cells (and the im2im train/predict/evaluate
// commands) use to declare and run an image-to-image experiment: Data (where the
// images are, patches, normalisation, augmentation), a model (one declaration
// per framework, model.framework in YAML; FCN: network, loss, optimizer,
// schedule, prediction; Pix2Pix: generator, discriminator, GAN loss, one
// optimizer and schedule per net) and a Trainer, whose zero values mean good
// defaults. Train, Predict and Evaluate run them and return result objects (Run,
// Evaluation) with Plot, Show, Metrics and Best. The same structs load from YAML
// (snake_case keys, unknown keys rejected with the nearest valid key suggested,
// pyrallis-style dotted overrides), and Preset returns mmv_im2im's standard setups.
//
// The API is non-generic and stays within what yaegi interprets: cells need no
// slices or maps packages.
//
// Files: data.go and partial.go (Data, Patch, Transform and its constructors),
// model.go (Model, one declaration per framework: FCN and its Optimizer,
// Schedule, Prediction), pix2pix.go (Pix2Pix, GANLoss, per-net optimizers;
// its generator seen as an FCN for data checks, prediction and evaluation:
// Model.fcnView), nets.go (UNet, AttentionUNet, DynUNet: ml/nets.Config),
// gan_nets.go (ResNetGenerator, PatchGAN), cyclegan.go (CycleGAN, CycleLoss),
// probunet.go (ProbUnet: a U-Net with prior/posterior latents whose samples
// give the uncertainty maps predict writes as <stem>_uncertainty.ome.tiff),
// embedseg.go (EmbedSeg, BranchedERFNet, Clustering: instance segmentation;
// embedseg_targets.go: data.category embedseg's centre images, cached as the
// target's second channel), instances.go (Image.Components, the instance
// metrics of Measure), unpaired.go (the two domains' loaders of data.category
// unpair),
// losses.go, trainer.go, config.go (Config, Resolved: every default),
// validate.go (problems as values, one function per section: data, model,
// trainer), build.go (the engine declaration and data chains a resolved config
// builds), yaml.go and suggest.go (YAML codec, overrides), preset.go, prepare.go
// (the patch store), train.go and run.go (Train, Run, run directory), live.go
// (notebook panel and terminal progress), predict.go and predicted.go,
// evaluate.go. A new
// framework adds its declaration beside FCN (implementing Model) and its
// ml/framework counterpart.
//
// Layering: im2im imports data/..., ml/..., stdlib/display and stdlib/plot; never
// dsl or kernel.
package im2im
