package im2im

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orFloat(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func orInts(v []int, def ...int) []int {
	if len(v) == 0 {
		return append([]int(nil), def...)
	}
	return v
}
