package display

import (
	"errors"
	"fmt"
	"image"
)

// Shower is implemented by values that display themselves (a plot.Figure, an
// evaluation table): Show hands them to their own Show method.
type Shower interface {
	Show()
}

// Show displays each item, in order, as one output each: an image.Image as PNG, PNG
// bytes ([]byte), a value with a Show method (plot.Figure, evaluation results) or a
// MIME bundle (Bundler) as itself, an error or a string as text, anything else as
// its fmt %v text. It returns an error naming the items it could not show (a nil
// item, bytes that are not a PNG) and still shows the others.
func Show(items ...any) error {
	var errs []error
	for i, it := range items {
		if err := showOne(it); err != nil {
			errs = append(errs, fmt.Errorf("display.Show: item %d (%T): %w", i, it, err))
		}
	}
	return errors.Join(errs...)
}

func showOne(it any) error {
	switch v := it.(type) {
	case nil:
		return errors.New("nil")
	case image.Image:
		if isNilImage(v) {
			return errors.New("nil image")
		}
		return Image(v)
	case []byte:
		return PNG(v)
	case Shower:
		v.Show()
	case Bundler:
		Publish(Data{MIME: v.MIMEBundle()})
	case error:
		Text(v.Error())
	case string:
		Text(v)
	default:
		Text(fmt.Sprintf("%v", v))
	}
	return nil
}

// isNilImage reports whether img is a typed nil pointer (e.g. (*image.Gray)(nil)).
func isNilImage(img image.Image) (isNil bool) {
	defer func() {
		if recover() != nil {
			isNil = true
		}
	}()
	_ = img.Bounds()
	return false
}
