// Package store is the persistent patch store: preprocessed samples (the output
// of a chain's deterministic prefix) kept in a Pebble database so that later
// epochs, runs and the validation set read them instead of decoding and
// normalizing images again — im2im's counterpart of MONAI's PersistentDataset.
//
// Keys are content hashes of (every source file's path, size and modification
// time; the deterministic transform chain with all its parameters; the store
// format version), so any change misses the cache. Each sample's metadata
// records its source files' identities, so CollectStale can remove one
// dataset's out-of-date entries (of modified or deleted files) while keeping
// other datasets' entries in a shared store; Collect removes every entry not
// listed. Arrays larger than Options.WholeBelow are stored in chunks
// (32×64×64 voxels in 3D, 256² pixels in 2D, all channels together; measured
// faster than 64³ for 32×64×64 patches, see data/loader/bench/README.md) so that reading a
// random patch touches only the chunks it overlaps. Each chunk may be compressed
// with zstd (fastest level) by this package; Pebble's own block compression is
// off, as is its write-ahead log: the store is rebuildable, and each sample gets
// a completion marker written after all its data, so a build killed at any
// moment reopens cleanly and Build finishes only the missing samples.
//
// One store serves train and val. Concurrent readers means the goroutines of
// one process: a Store is safe for concurrent use by many goroutines (open it
// once and share it). Pebble locks the store's directory for the process that
// opened it, even read-only, so while a training run or `im2im data cache`
// holds a store, Open in another process (e.g. `im2im data info`) fails with
// an error matching ErrInUse that says so; a second Open of the same directory
// in one process fails the same way.
//
// Layering: store imports data/array, Pebble and klauspost/compress; it never
// imports GoMLX or layers above data.
package store
