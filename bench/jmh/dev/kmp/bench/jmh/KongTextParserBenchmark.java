package dev.kmp.bench.jmh;

import dev.kmp.model.Labels;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import dev.kmp.receiver.kong.ParseResult;
import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parser alone, on a body already in memory: {@code steady} reuses one parser as a scrape
 * loop does (label sets found again by their bytes), {@code cold} starts from an empty parser
 * every time (a target's first scrape). Divide by the sample lines for ns/sample
 * (100 services: 12.8k, 1000: 125k).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class KongTextParserBenchmark {
    @Param({"100", "1000"})
    public int services;

    private byte[] body;
    private ParseOptions options;
    private KongTextParser parser;

    @Setup
    public void setUp() throws Exception {
        body = GeneratedPayload.of(services);
        options = ParseOptions.plainText(Labels.of("dataplane_url", "http://10.0.0.7:8100/metrics"));
        parser = new KongTextParser();
        parser.parse(new ByteArrayInputStream(body), options);
    }

    @Benchmark
    public ParseResult steady() throws Exception {
        return parser.parse(new ByteArrayInputStream(body), options);
    }

    @Benchmark
    public ParseResult cold() throws Exception {
        return new KongTextParser().parse(new ByteArrayInputStream(body), options);
    }
}
