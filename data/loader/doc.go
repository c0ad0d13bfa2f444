// Package loader turns a source of preprocessed samples into batches for
// training: parallel workers run the random part of the transform chain (crops,
// flips, elastic, intensity augmentation) on every sample every epoch, a bounded
// window keeps their results in epoch order, and fixed-shape batches
// ([B, C, (Z,) Y, X] float32 per role) come out through a bounded prefetch queue.
// Epoch order and every random draw derive from (seed, epoch, sample), so the
// same seed gives the same batches whatever the number of workers.
//
// When the source can read regions (the Pebble store), a leading
// rand_crop_samples reads only the patches it draws instead of whole volumes.
// SmartCache keeps a fraction of a dataset too big for memory and replaces part
// of it every few epochs (MONAI's SmartCacheDataset, mmv_im2im's partial loader).
//
// Memory bound (backpressure): at any time the loader holds at most Window
// sample results (each a loaded sample plus its patches) and Prefetch + 4
// batches (queued, waiting to be queued, held by the consumer, being assembled
// and its stacked copy); Loader.MemoryBound states it in bytes from the sizes it
// has seen, and a test holds the live heap to it.
//
// Prepare wires the whole input pipeline: dataset discovery, an optional
// caller check of the first subject as it will be stored (CheckFirst), the
// checks of every file, the store build of the deterministic prefix (each
// file stat'ed once for both the cache key and the sample's recorded sources), removal of this dataset's stale entries (modified or deleted files;
// other datasets' entries in a shared store are kept), an optional caller
// check of every stored sample with its value ranges (CheckEach), and
// store-backed train/val sources.
//
// Layering: loader imports data/array, data/transform, data/store and
// data/dataset; never GoMLX.
package loader
