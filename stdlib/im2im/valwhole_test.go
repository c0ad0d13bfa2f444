package im2im

import "testing"

// TestValChainWhole: validation crops the centre patch unless data.patch.val_whole.
func TestValChainWhole(t *testing.T) {
	cases := []struct {
		name  string
		whole bool
		want  []string
	}{
		{"centre patch", false, []string{"center_crop"}},
		{"whole images", true, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Data{Input: "IM", Target: "GT", Patch: Patch{Size: []int{32, 32}, PerImage: 1, ValWhole: tc.whole}}
			_, _, val, err := pairChains(d, true)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tr := range val {
				got = append(got, tr.Name())
			}
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
				t.Errorf("validation chain %v, want %v", got, tc.want)
			}
		})
	}
}
