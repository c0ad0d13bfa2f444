package instance

import "math"

// seedOrder returns the payloads of (seed, payload) pairs ordered by decreasing seed,
// keeping the input order among equal seeds. Seeds must be ≥ 0 (not NaN): the bits of
// a non-negative float32 grow with its value, so a stable LSD radix sort on the
// complemented bits gives the order in O(n). Bytes that all keys share are skipped.
func seedOrder(seeds []float32, payload []int32) []int32 {
	n := len(seeds)
	keys := make([]uint64, n)
	for i, s := range seeds {
		keys[i] = uint64(^math.Float32bits(s))<<32 | uint64(uint32(payload[i]))
	}
	tmp := make([]uint64, n)
	var count [256]int
	for shift := 32; shift < 64; shift += 8 {
		count = [256]int{}
		for _, k := range keys {
			count[k>>shift&0xff]++
		}
		if n == 0 || count[keys[0]>>shift&0xff] == n {
			continue
		}
		pos := 0
		for b := range count {
			c := count[b]
			count[b] = pos
			pos += c
		}
		for _, k := range keys {
			b := k >> shift & 0xff
			tmp[count[b]] = k
			count[b]++
		}
		keys, tmp = tmp, keys
	}
	out := make([]int32, n)
	for i, k := range keys {
		out[i] = int32(uint32(k))
	}
	return out
}
