package im2im

import (
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/loss"
)

// Loss is a training loss declaration. In YAML it is a mapping with a `kind` key
// (dice_ce, dice, ce, focal, generalized_dice, gdl_focal, mse, l1, huber) and the
// loss's fields.
type Loss interface {
	// Kind is the loss's YAML kind.
	Kind() string
	build() framework.Loss
	// segmentation says whether targets are class labels (true) or values.
	segmentation() bool
}

// DiceCE is Dice + cross-entropy (MONAI's DiceCELoss), for segmentation.
type DiceCE struct {
	// ExcludeBackground drops class 0 from the Dice part.
	ExcludeBackground bool `yaml:"exclude_background"`
	// ClassWeights weight the CE part, one per class.
	ClassWeights []float64 `yaml:"class_weights"`
	// LambdaDice and LambdaCE weight the two parts (0 means 1).
	LambdaDice float64 `yaml:"lambda_dice"`
	LambdaCE   float64 `yaml:"lambda_ce"`
}

// Kind implements Loss.
func (DiceCE) Kind() string { return "dice_ce" }
func (l DiceCE) build() framework.Loss {
	return loss.DiceCE{ExcludeBackground: l.ExcludeBackground, ClassWeights: l.ClassWeights, LambdaDice: l.LambdaDice, LambdaCE: l.LambdaCE}
}
func (DiceCE) segmentation() bool { return true }

// Dice is the soft Dice loss, for segmentation.
type Dice struct {
	ExcludeBackground bool `yaml:"exclude_background"`
}

// Kind implements Loss.
func (Dice) Kind() string            { return "dice" }
func (l Dice) build() framework.Loss { return loss.Dice{ExcludeBackground: l.ExcludeBackground} }
func (Dice) segmentation() bool      { return true }

// CE is cross-entropy on logits (sigmoid for one channel, softmax otherwise).
type CE struct {
	ClassWeights []float64 `yaml:"class_weights"`
}

// Kind implements Loss.
func (CE) Kind() string            { return "ce" }
func (l CE) build() framework.Loss { return loss.CE{ClassWeights: l.ClassWeights} }
func (CE) segmentation() bool      { return true }

// Focal is the focal loss (Gamma 0 means 2), for segmentation.
type Focal struct {
	Gamma        float64   `yaml:"gamma"`
	ClassWeights []float64 `yaml:"class_weights"`
}

// Kind implements Loss.
func (Focal) Kind() string { return "focal" }
func (l Focal) build() framework.Loss {
	return loss.Focal{Gamma: l.Gamma, ClassWeights: l.ClassWeights}
}
func (Focal) segmentation() bool { return true }

// GeneralizedDice is the generalized Dice loss (Sudre et al. 2017, MONAI's
// GeneralizedDiceLoss), for segmentation with rare classes: each class is weighted
// by the inverse square of its volume in the target. It takes no cost map.
type GeneralizedDice struct{}

// Kind implements Loss.
func (GeneralizedDice) Kind() string          { return "generalized_dice" }
func (GeneralizedDice) build() framework.Loss { return loss.GeneralizedDice{} }
func (GeneralizedDice) segmentation() bool    { return true }

// GDLFocal is generalized Dice + focal loss (MONAI's GeneralizedDiceFocalLoss),
// for segmentation; a cost map weights the focal part.
type GDLFocal struct {
	// Gamma is the focal exponent. [2]
	Gamma float64 `yaml:"gamma"`
	// ClassWeights weight the focal part, one per class.
	ClassWeights []float64 `yaml:"class_weights"`
	// LambdaGDL and LambdaFocal weight the two parts. [1, 1]
	LambdaGDL   float64 `yaml:"lambda_gdl"`
	LambdaFocal float64 `yaml:"lambda_focal"`
}

// Kind implements Loss.
func (GDLFocal) Kind() string { return "gdl_focal" }
func (l GDLFocal) build() framework.Loss {
	return loss.GDLFocal{Gamma: l.Gamma, ClassWeights: l.ClassWeights, LambdaGDL: l.LambdaGDL, LambdaFocal: l.LambdaFocal}
}
func (GDLFocal) segmentation() bool { return true }

// MSE is the mean squared error, for regression (denoising, label-free).
type MSE struct{}

// Kind implements Loss.
func (MSE) Kind() string          { return "mse" }
func (MSE) build() framework.Loss { return loss.MSE{} }
func (MSE) segmentation() bool    { return false }

// L1 is the mean absolute error, for regression.
type L1 struct{}

// Kind implements Loss.
func (L1) Kind() string          { return "l1" }
func (L1) build() framework.Loss { return loss.L1{} }
func (L1) segmentation() bool    { return false }

// Huber is the Huber (smooth L1) loss with threshold Delta (0 means 1), for regression.
type Huber struct {
	Delta float64 `yaml:"delta"`
}

// Kind implements Loss.
func (Huber) Kind() string            { return "huber" }
func (l Huber) build() framework.Loss { return loss.Huber{Delta: l.Delta} }
func (Huber) segmentation() bool      { return false }
