package bench

import (
	"strings"
	"testing"
)

func TestOptionsResolve(t *testing.T) {
	cases := []struct {
		name    string
		o       Options
		want    []int
		wantErr string
	}{
		{name: "2d defaults", o: Options{Dims: 2, Warmup: -1, Threads: 2}, want: []int{128, 128}},
		{name: "3d defaults", o: Options{Dims: 3, Warmup: -1, Threads: 2}, want: []int{32, 64, 64}},
		{name: "bad dims", o: Options{Dims: 4, Threads: 2}, wantErr: "--dims"},
		{name: "size rank", o: Options{Dims: 3, Size: "32,32", Threads: 2}, wantErr: "want 3 values"},
		{name: "size not multiple of 4", o: Options{Dims: 2, Size: "30,32", Threads: 2}, wantErr: "multiples of 4"},
		{name: "size junk", o: Options{Dims: 2, Size: "a,b", Threads: 2}, wantErr: "--size"},
		{name: "no threads", o: Options{Dims: 2, Threads: 0}, wantErr: "--threads"},
		{name: "pix2pix 2d defaults", o: Options{Model: ModelPix2Pix, Dims: 2, Warmup: -1, Threads: 2}, want: []int{128, 128}},
		{name: "pix2pix 3d defaults", o: Options{Model: ModelPix2Pix, Dims: 3, Warmup: -1, Threads: 2}, want: []int{32, 64, 64}},
		{name: "pix2pix too small", o: Options{Model: ModelPix2Pix, Dims: 2, Size: "16,16", Threads: 2}, wantErr: "≥ 24"},
		{name: "pix2pix not multiple of 8", o: Options{Model: ModelPix2Pix, Dims: 2, Size: "36,32", Threads: 2}, wantErr: "multiples of 8"},
		{name: "embedseg 2d defaults", o: Options{Model: ModelEmbedSeg, Dims: 2, Warmup: -1, Threads: 2}, want: []int{128, 128}},
		{name: "embedseg not multiple of 8", o: Options{Model: ModelEmbedSeg, Dims: 3, Size: "32,64,60", Threads: 2}, wantErr: "multiples of 8"},
		{name: "unknown model", o: Options{Model: "gan", Dims: 2, Threads: 2}, wantErr: "model"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			got, err := o.Resolve()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) || got[0] != tc.want[0] || got[len(got)-1] != tc.want[len(got)-1] {
				t.Fatalf("size = %v, want %v", got, tc.want)
			}
			if o.Batch < 1 || o.Steps < 1 || o.Warmup < 0 {
				t.Fatalf("defaults not filled: %+v", o)
			}
		})
	}
}

// FuzzBenchSize feeds arbitrary --size values to the option resolver: it must never
// panic, and accepted sizes have one positive multiple of 4 per dimension.
func FuzzBenchSize(f *testing.F) {
	f.Add(2, "128,128")
	f.Add(3, "32, 64 ,64")
	f.Add(3, ",,")
	f.Fuzz(func(t *testing.T, dims int, size string) {
		o := Options{Dims: dims, Size: size, Threads: 2, Warmup: -1}
		got, err := o.Resolve()
		if err != nil {
			return
		}
		if len(got) != dims {
			t.Fatalf("%q for %d dims gave %v", size, dims, got)
		}
		for _, v := range got {
			if v < 4 || v%4 != 0 {
				t.Fatalf("%q gave size %v", size, got)
			}
		}
	})
}
