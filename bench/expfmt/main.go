// The peer parser: Go's expfmt.TextParser, which Kong's operator uses. Parses the same payload
// K times after a warm-up and prints one PEER line. Built by bench/compare in GOPATH mode
// against Debian's golang-github-prometheus-common-dev (no network).
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"time"

	"github.com/prometheus/common/expfmt"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: expfmt-bench FILE ITERATIONS")
		os.Exit(2)
	}
	body, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	iterations, _ := strconv.Atoi(os.Args[2])
	samples := 0
	for _, line := range bytes.Split(body, []byte("\n")) {
		if len(line) > 0 && line[0] != '#' {
			samples++
		}
	}
	parse := func() {
		var p expfmt.TextParser
		if _, err := p.TextToMetricFamilies(bytes.NewReader(body)); err != nil {
			panic(err)
		}
	}
	parse() // warm-up
	times := make([]float64, iterations)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < iterations; i++ {
		t0 := time.Now()
		parse()
		times[i] = float64(time.Since(t0).Nanoseconds()) / 1e6
	}
	runtime.ReadMemStats(&after)
	sort.Float64s(times)
	median := times[len(times)/2]
	alloc := float64(after.TotalAlloc-before.TotalAlloc) / float64(iterations) / float64(samples)
	fmt.Printf("PEER expfmt ms=%.1f ns_per_sample=%.0f mb_per_s=%.1f alloc_bytes_per_sample=%.0f\n",
		median, median*1e6/float64(samples), float64(len(body))/1e6/(median/1e3), alloc)
}
