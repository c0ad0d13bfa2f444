// Package dataset finds training data on disk with mmv_im2im's conventions, so
// its users' folders work unchanged, checks it, splits it and loads samples:
//
//   - one folder of X_IM.ext files with sibling tags X_GT, X_CM (cost map,
//     0 = excluded), X_<TAG>, the tags discovered from the first subject
//     (extensions are ignored when matching, so .npy works too);
//   - subfolders IM/, GT/, CM/ … matched by file stem;
//   - a CSV file with IM and GT (and other tag) columns, paths relative to it;
//   - explicit train and val folders (either layout), which fix the split.
//
// Categories: pair (IM → GT), unpair (two unmatched sets; GT files are shuffled
// across subjects), embedseg (GT holds instance labels). Check reports every
// problem at once: unmatched files, IM/GT shape mismatches (with both shapes),
// wrong dimensionality for the declared 2D/3D, time-lapse files (T > 1, which
// training would otherwise reduce to their first frame), empty folders,
// unreadable files.
// Load reads a subject as a sample of CYX / CZYX float32 arrays and refuses
// NaN or infinite values (naming the file and the first position). Errors of
// Discover, Check and Load are *ProblemError: the data, not the program, is at
// fault.
//
// Layering: dataset imports data/array and data/imageio; never GoMLX.
package dataset
