// Package transform holds the named, parameterised operations the pipeline
// applies to samples: intensity normalization (z-score, percentile range,
// min-max, fixed range, clip, label rounding), spatial ops (pad, divisible pad,
// center/foreground crop, random crop samples biased to foreground, flips, rot90,
// elastic deformation in 2D and 3D) and intensity augmentation (histogram shift,
// gamma, gaussian noise, blur).
//
// Every transform has a config name and parameters (New builds one from a name
// and a map, as YAML or the DSL give them) and applies to the right keys: spatial
// transforms to all arrays of a sample so that IM, GT and CM stay aligned,
// intensity transforms to IM unless told otherwise. A Chain splits into its
// deterministic prefix, whose results the patch store caches, and the random rest
// that runs every epoch.
//
// Layering: transform imports data/array and the standard library only.
package transform
