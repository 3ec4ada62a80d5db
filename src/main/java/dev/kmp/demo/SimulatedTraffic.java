package dev.kmp.demo;

import dev.kmp.demo.GeneratedCluster.KongService;
import dev.kmp.demo.GeneratedCluster.KongTarget;
import dev.kmp.demo.GeneratedCluster.TargetState;
import dev.kmp.demo.RouteProfile.StatusCodeShare;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The counters and histograms of one simulated Kong node, which can move forward in time and be
 * rendered as Kong's Prometheus plugin would print them.
 *
 * <p>Latency histograms are filled from log-normal distributions analytically (expected bucket
 * counts) rather than by drawing one sample per request, so a node with a billion requests costs
 * the same as one with a thousand. Every step adds {@code floor(expected + u)} with one uniform
 * {@code u} shared by all buckets of a histogram: that keeps buckets cumulative (monotone in
 * {@code le}, never above the count) and unbiased even when a step adds only a few requests.
 *
 * <p>Not thread-safe; {@link SimulatedKong} serialises access.
 */
public final class SimulatedTraffic {
    static final double[] UPSTREAM_BUCKETS = {25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000};
    static final double[] KONG_BUCKETS_OLD = {1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000};
    static final double[] KONG_BUCKETS_NEW = {1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000};

    /** Answered by Kong itself (plugin exit, no healthy target): no upstream latency observed. */
    private static final int[] EXIT_CODES = {401, 403, 429, 503};
    /** KIC's default service read_timeout; 504s land above the last finite bucket. */
    private static final double TIMEOUT_MS = 60000;
    private static final double KONG_SIGMA = 0.7;
    /** Kubelet probes and scrapes also count in nginx's request total, not in any route. */
    private static final long BACKGROUND_REQUESTS = 51840;

    private static final String[][] SHARED_DICTS = {
            {"kong", "5242880", "45056"}, {"kong_cluster_events", "5242880", "40960"},
            {"kong_core_db_cache", "134217728", "806912"}, {"kong_core_db_cache_miss", "12582912", "90112"},
            {"kong_db_cache", "134217728", "798720"}, {"kong_db_cache_miss", "12582912", "86016"},
            {"kong_healthchecks", "5242880", "49152"}, {"kong_locks", "8388608", "61440"},
            {"kong_rate_limiting_counters", "12582912", "86016"}, {"kong_secrets", "5242880", "40960"},
            {"prometheus_metrics", "5242880", "0"},
    };

    private static final byte[] BUCKET_OPEN = "_bucket{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT_OPEN = "_count{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUM_OPEN = "_sum{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LE_OPEN = ",le=\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LE_INF = ",le=\"+Inf\"} ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABELS_CLOSE = "} ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUOTE_CLOSE = "\"} ".getBytes(StandardCharsets.US_ASCII);

    private final TrafficSettings settings;
    private final Random rng;
    private final double[] kongBuckets;
    private final byte[][] kongBucketTexts;
    private final byte[][] upstreamBucketTexts;
    private final List<RouteFlow> routes;
    private final RouteFlow[] routesByLabels;
    private final CounterLine[] bandwidthLines;
    private final CounterLine[] requestLines;
    private final byte[][] targetHealthLines;
    private final Node node;
    private double clockSeconds;

    public SimulatedTraffic(TrafficSettings settings, List<KongService> kongServices, List<RouteProfile> profiles,
                            long seed) {
        this.settings = settings;
        this.rng = new Random(seed);
        this.kongBuckets = settings.kongVersion().hasLongKongLatencyBuckets() ? KONG_BUCKETS_NEW : KONG_BUCKETS_OLD;
        this.kongBucketTexts = leTexts(kongBuckets);
        this.upstreamBucketTexts = leTexts(UPSTREAM_BUCKETS);
        String workspace = settings.kongVersion().hasWorkspaceLabel() ? ",workspace=\"default\"" : "";
        List<String> consumers = settings.consumers().isEmpty() ? List.of("") : settings.consumers();

        this.routes = new ArrayList<>(profiles.size());
        List<CounterLine> bandwidth = new ArrayList<>();
        List<CounterLine> requests = new ArrayList<>();
        for (RouteProfile p : profiles) {
            RouteFlow flow = new RouteFlow(p, consumers, rng, kongBuckets.length, workspace);
            routes.add(flow);
            for (ConsumerCounters c : flow.consumers) {
                String head = "service=\"" + esc(p.service()) + "\",route=\"" + esc(p.route()) + "\"";
                String tail = workspace + ",consumer=\"" + esc(c.name) + "\"";
                if (settings.bandwidthMetrics()) {
                    bandwidth.add(new CounterLine(bytes(head + ",direction=\"egress\"" + tail), c.values,
                            c.egressIndex()));
                    bandwidth.add(new CounterLine(bytes(head + ",direction=\"ingress\"" + tail), c.values,
                            c.ingressIndex()));
                }
                for (int i = 0; settings.statusCodeMetrics() && i < flow.codes.length; i++) {
                    StatusCodeShare code = flow.codes[i];
                    requests.add(new CounterLine(bytes(head + ",code=\"" + code.code() + "\",source=\""
                            + esc(code.source()) + "\"" + tail), c.values, i));
                }
            }
        }
        this.routesByLabels = routes.toArray(RouteFlow[]::new);
        Arrays.sort(routesByLabels, Comparator.comparing((RouteFlow r) -> r.labels, Arrays::compareUnsigned));
        this.bandwidthLines = sortedLines(bandwidth);
        this.requestLines = sortedLines(requests);
        this.targetHealthLines = targetHealthLines(kongServices);

        for (RouteFlow r : routes) {
            record(r, r.profile.initialRequests(), 1.0, settings.sampleCap(), 0.5);
        }
        this.node = new Node(settings, routes.stream().mapToLong(r -> r.requests).sum() + BACKGROUND_REQUESTS,
                dictKeyCount());
    }

    public TrafficSettings settings() {
        return settings;
    }

    /** Simulated seconds since the start. */
    public double clockSeconds() {
        return clockSeconds;
    }

    /** Total requests counted over all routes. */
    public long totalRequests() {
        long n = 0;
        for (RouteFlow r : routes) {
            n += r.requests;
        }
        return n;
    }

    /**
     * Moves simulated time forward: each route gets {@code requestsPerSecond * step} more requests
     * (fractions carry over to the next step), observed at the latency of the current point on
     * its drift curve. Counters only grow.
     */
    public void advance(Duration step) {
        double seconds = step.toNanos() / 1e9;
        if (seconds <= 0) {
            return;
        }
        clockSeconds += seconds;
        long added = 0;
        for (RouteFlow r : routes) {
            double expected = r.carry + r.profile.requestsPerSecond() * seconds;
            long n = (long) Math.floor(expected);
            r.carry = expected - n;
            if (n > 0) {
                record(r, n, latencyFactor(r), 0, rng.nextDouble());
                added += n;
            }
        }
        node.advance(rng, added, seconds);
    }

    /** Current multiplier on a route's upstream latency: a slow sine, so an autoscaler has something to chase. */
    double latencyFactor(RouteFlow r) {
        double period = settings.driftPeriod().toNanos() / 1e9;
        return Math.max(0.05, 1 + settings.driftAmplitude()
                * Math.sin(2 * Math.PI * clockSeconds / period + r.profile.driftPhase()));
    }

    /** Writes the whole exposition (and the stream block when configured). Streams; holds no copy. */
    public void render(OutputStream out) throws IOException {
        try (ExpositionSink sink = new ExpositionSink(out)) {
            render(sink);
        }
    }

    /** Renders into a sink and returns its byte count; used by callers that report sizes. */
    long render(ExpositionSink sink) throws IOException {
        int keys = dictKeyCount();
        renderCounters(sink, KongFamily.BANDWIDTH_BYTES, bandwidthLines);
        gauge(sink, KongFamily.DATASTORE_REACHABLE, null, 1);
        renderCounters(sink, KongFamily.HTTP_REQUESTS_TOTAL, requestLines);
        renderHistogram(sink, KongFamily.KONG_LATENCY_MS, Which.KONG, kongBucketTexts);
        node.renderMemoryAndNginx(sink, keys, "http", true);
        renderHistogram(sink, KongFamily.REQUEST_LATENCY_MS, Which.REQUEST, upstreamBucketTexts);
        renderHistogram(sink, KongFamily.UPSTREAM_LATENCY_MS, Which.UPSTREAM, upstreamBucketTexts);
        if (targetHealthLines.length > 0) {
            sink.write(KongFamily.UPSTREAM_TARGET_HEALTH.header());
            for (byte[] line : targetHealthLines) {
                sink.write(line);
            }
        }
        if (settings.stream()) {
            // The stream subsystem's collect() output is appended as a second, separately sorted
            // exposition: same families again, with their own HELP/TYPE and a duplicate node_info.
            node.renderMemoryAndNginx(sink, keys, "stream", false);
        }
        return sink.bytesWritten();
    }

    // ---------------------------------------------------------------------------------------------
    // recording

    /**
     * Accounts {@code n} requests on a route the way Kong's log phase would.
     *
     * @param quantum when > 0, expected bucket fractions are rounded to 1/min(n, quantum): the
     *                reference generator estimates them from that many samples, which is what
     *                leaves its low buckets empty
     * @param u       the shared rounding offset (0.5 = round to nearest)
     */
    private void record(RouteFlow r, long n, double latencyFactor, int quantum, double u) {
        if (n <= 0) {
            return;
        }
        r.requests += n;
        long[] perCode = split(n, r.codeWeights, u);
        long exits = 0;
        long timeouts = 0;
        for (int i = 0; i < perCode.length; i++) {
            StatusCodeShare c = r.codes[i];
            if (c.code() == 504) {
                timeouts += perCode[i];
            } else if ("kong".equals(c.source()) && isExitCode(c.code())) {
                exits += perCode[i];
            }
            long[] perConsumer = split(perCode[i], r.consumerWeights, u);
            for (int k = 0; k < perConsumer.length; k++) {
                r.consumers[k].values[i] += perConsumer[k];
                r.consumers[k].requests += perConsumer[k];
            }
        }
        for (ConsumerCounters c : r.consumers) {
            long m = c.requests - c.accountedBytes;
            if (m > 0) {
                c.values[c.egressIndex()] += (long) (m * r.profile.responseBytes() * (0.9 + 0.2 * rng.nextDouble()));
                c.values[c.ingressIndex()] += (long) (m * r.profile.requestBytes() * (0.9 + 0.2 * rng.nextDouble()));
                c.accountedBytes = c.requests;
            }
        }
        long proxied = n - exits - timeouts;
        double kongMedian = r.profile.kongMedianMs();
        double upMedian = r.profile.upstreamMedianMs() * latencyFactor;
        double upSigma = r.profile.upstreamSigma();
        double reqMedian = upMedian + kongMedian + 1;
        double exitMedian = kongMedian + 1;

        long[] inc = r.scratch;
        // kong_latency_ms: every request
        for (int i = 0; i < kongBuckets.length; i++) {
            double f = quantise(roundedLogNormalCdf(kongBuckets[i], kongMedian, KONG_SIGMA), n, quantum);
            inc[i] = (long) Math.floor(n * f + u);
        }
        r.kong.add(inc, kongBuckets.length, n, Math.round(n * logNormalMean(kongMedian, KONG_SIGMA)));
        // upstream_latency_ms: proxied requests, plus timeouts that only reach +Inf
        if (proxied + timeouts > 0) {
            for (int i = 0; i < UPSTREAM_BUCKETS.length; i++) {
                double f = quantise(roundedLogNormalCdf(UPSTREAM_BUCKETS[i], upMedian, upSigma), proxied, quantum);
                inc[i] = (long) Math.floor(proxied * f + u);
            }
            double sum = proxied * logNormalMean(upMedian, upSigma) + timeouts * (TIMEOUT_MS + 5);
            r.upstream.add(inc, UPSTREAM_BUCKETS.length, proxied + timeouts, Math.round(sum));
        }
        // request_latency_ms: proxied ones pay upstream + Kong, exits only Kong, timeouts +Inf
        for (int i = 0; i < UPSTREAM_BUCKETS.length; i++) {
            double b = UPSTREAM_BUCKETS[i];
            double fp = quantise(roundedLogNormalCdf(b, reqMedian, upSigma), proxied, quantum);
            double fe = quantise(roundedLogNormalCdf(b, exitMedian, KONG_SIGMA), exits, quantum);
            inc[i] = (long) Math.floor(proxied * fp + exits * fe + u);
        }
        double reqSum = proxied * logNormalMean(reqMedian, upSigma) + exits * logNormalMean(exitMedian, KONG_SIGMA)
                + timeouts * (TIMEOUT_MS + 8);
        r.request.add(inc, UPSTREAM_BUCKETS.length, n, Math.round(reqSum));
    }

    private static boolean isExitCode(int code) {
        for (int c : EXIT_CODES) {
            if (c == code) {
                return true;
            }
        }
        return false;
    }

    /**
     * Splits n by cumulative weights with one shared offset (systematic sampling): parts are never
     * negative, always sum to n, and equal n*w in expectation even for tiny n.
     */
    static long[] split(long n, double[] cumulativeWeights, double u) {
        long[] out = new long[cumulativeWeights.length];
        long prev = 0;
        for (int i = 0; i < out.length; i++) {
            long upto = i == out.length - 1 ? n : (long) Math.floor(n * cumulativeWeights[i] + u);
            upto = Math.min(n, Math.max(prev, upto));
            out[i] = upto - prev;
            prev = upto;
        }
        return out;
    }

    private static double quantise(double f, long n, int quantum) {
        if (quantum <= 0 || n <= 0) {
            return f;
        }
        long k = Math.min(n, quantum);
        return Math.round(f * k) / (double) k;
    }

    /** P(round(X) <= bound) for X log-normal: the reference rounds samples to whole milliseconds. */
    static double roundedLogNormalCdf(double bound, double median, double sigma) {
        if (median <= 0) {
            return 1.0;
        }
        return normalCdf((Math.log(bound + 0.5) - Math.log(median)) / sigma);
    }

    static double logNormalMean(double median, double sigma) {
        return median <= 0 ? 0 : median * Math.exp(sigma * sigma / 2);
    }

    /** Standard normal CDF (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7: plenty for bucket counts). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                * t * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
    }

    /** Keys Kong keeps in the prometheus_metrics shared dict: its size drives that dict's memory line. */
    private int dictKeyCount() {
        int keys = 1; // nginx_metric_errors_total
        for (CounterLine l : bandwidthLines) {
            keys += l.value() > 0 ? 1 : 0;
        }
        for (CounterLine l : requestLines) {
            keys += l.value() > 0 ? 1 : 0;
        }
        for (RouteFlow r : routes) {
            keys += settings.latencyMetrics() ? r.kong.keyCount() + r.upstream.keyCount() + r.request.keyCount() : 0;
        }
        return keys;
    }

    // ---------------------------------------------------------------------------------------------
    // rendering

    private enum Which { KONG, UPSTREAM, REQUEST }

    private static Histogram pick(RouteFlow r, Which which) {
        return switch (which) {
            case KONG -> r.kong;
            case UPSTREAM -> r.upstream;
            case REQUEST -> r.request;
        };
    }

    private static void renderCounters(ExpositionSink sink, KongFamily family, CounterLine[] lines) throws IOException {
        boolean headed = false;
        for (CounterLine l : lines) {
            long v = l.value();
            if (v <= 0) {
                continue; // Kong only creates a counter key on its first increment
            }
            if (!headed) {
                sink.write(family.header());
                headed = true;
            }
            sink.write(family.sampleName());
            sink.write('{');
            sink.write(l.labels);
            sink.write(LABELS_CLOSE);
            sink.writeLong(v);
            sink.write('\n');
        }
    }

    /** Kong sorts every key, so one histogram family prints all _bucket lines, then all _count, then all _sum. */
    private void renderHistogram(ExpositionSink sink, KongFamily family, Which which, byte[][] leTexts)
            throws IOException {
        if (!settings.latencyMetrics()) {
            return;
        }
        boolean headed = false;
        byte[] name = family.sampleName();
        for (RouteFlow r : routesByLabels) {
            Histogram h = pick(r, which);
            if (h.count <= 0) {
                continue;
            }
            if (!headed) {
                sink.write(family.header());
                headed = true;
            }
            for (int i = 0; i < h.cumulative.length; i++) {
                long c = h.cumulative[i];
                if (c <= 0) {
                    continue; // sparse: a bucket key exists only once something fell into it
                }
                sink.write(name);
                sink.write(BUCKET_OPEN);
                sink.write(r.labels);
                sink.write(LE_OPEN);
                sink.write(leTexts[i]);
                sink.write(QUOTE_CLOSE);
                sink.writeLong(c);
                sink.write('\n');
            }
            sink.write(name);
            sink.write(BUCKET_OPEN);
            sink.write(r.labels);
            sink.write(LE_INF);
            sink.writeLong(h.count);
            sink.write('\n');
        }
        if (!headed) {
            return;
        }
        for (RouteFlow r : routesByLabels) {
            Histogram h = pick(r, which);
            if (h.count > 0) {
                sink.write(name);
                sink.write(COUNT_OPEN);
                sink.write(r.labels);
                sink.write(LABELS_CLOSE);
                sink.writeLong(h.count);
                sink.write('\n');
            }
        }
        for (RouteFlow r : routesByLabels) {
            Histogram h = pick(r, which);
            if (h.count > 0) {
                sink.write(name);
                sink.write(SUM_OPEN);
                sink.write(r.labels);
                sink.write(LABELS_CLOSE);
                sink.writeNumber(h.sum);
                sink.write('\n');
            }
        }
    }

    private static void gauge(ExpositionSink sink, KongFamily family, String labels, double value) throws IOException {
        sink.write(family.header());
        gaugeLine(sink, family, labels, value);
    }

    private static void gaugeLine(ExpositionSink sink, KongFamily family, String labels, double value)
            throws IOException {
        sink.write(family.sampleName());
        if (labels != null) {
            sink.write('{');
            sink.write(labels);
            sink.write('}');
        }
        sink.write(' ');
        sink.writeNumber(value);
        sink.write('\n');
    }

    private byte[][] targetHealthLines(List<KongService> kongServices) {
        if (!settings.upstreamHealthMetrics()) {
            return new byte[0][];
        }
        List<byte[]> blocks = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        for (KongService s : kongServices) {
            for (KongTarget t : s.targets()) {
                for (TargetState st : TargetState.values()) {
                    String address = t.state() == TargetState.DNS_ERROR ? "" : t.target();
                    blocks.add(bytes("upstream=\"" + esc(s.upstream()) + "\",target=\"" + esc(t.target())
                            + "\",address=\"" + esc(address) + "\",state=\"" + st.label() + "\",subsystem=\"http\""));
                    values.add(st == t.state() ? 1 : 0);
                }
            }
        }
        Integer[] order = new Integer[blocks.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(blocks.get(a), blocks.get(b)));
        byte[] name = KongFamily.UPSTREAM_TARGET_HEALTH.sampleName();
        byte[][] lines = new byte[order.length][];
        for (int i = 0; i < order.length; i++) {
            byte[] block = blocks.get(order[i]);
            byte[] line = new byte[name.length + block.length + 5];
            System.arraycopy(name, 0, line, 0, name.length);
            line[name.length] = '{';
            System.arraycopy(block, 0, line, name.length + 1, block.length);
            int p = name.length + 1 + block.length;
            line[p] = '}';
            line[p + 1] = ' ';
            line[p + 2] = (byte) ('0' + values.get(order[i]));
            line[p + 3] = '\n';
            lines[i] = Arrays.copyOf(line, p + 4);
        }
        return lines;
    }

    private static CounterLine[] sortedLines(List<CounterLine> lines) {
        CounterLine[] a = lines.toArray(CounterLine[]::new);
        Arrays.sort(a, (x, y) -> Arrays.compareUnsigned(x.labels, y.labels));
        return a;
    }

    private static byte[][] leTexts(double[] bounds) {
        byte[][] t = new byte[bounds.length][];
        for (int i = 0; i < bounds.length; i++) {
            t[i] = bytes(LuaNumber.format(bounds[i]));
        }
        return t;
    }

    /** Kong escapes only backslash and double quote in label values (not newlines). */
    static String esc(String v) {
        if (v.indexOf('\\') < 0 && v.indexOf('"') < 0) {
            return v;
        }
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------
    // state

    private record CounterLine(byte[] labels, long[] store, int index) {
        long value() {
            return store[index];
        }
    }

    private static final class Histogram {
        final long[] cumulative;
        long count;
        double sum;

        Histogram(int buckets) {
            cumulative = new long[buckets];
        }

        void add(long[] increments, int buckets, long n, double sumIncrement) {
            for (int i = 0; i < buckets; i++) {
                cumulative[i] += increments[i];
            }
            count += n;
            sum += sumIncrement;
        }

        int keyCount() {
            if (count <= 0) {
                return 0;
            }
            int k = 3; // +Inf, _count, _sum
            for (long c : cumulative) {
                k += c > 0 ? 1 : 0;
            }
            return k;
        }
    }

    private static final class ConsumerCounters {
        final String name;
        /** One slot per status code, then egress, then ingress bytes. */
        final long[] values;
        long requests;
        long accountedBytes;

        ConsumerCounters(String name, int codes) {
            this.name = name;
            this.values = new long[codes + 2];
        }

        int egressIndex() {
            return values.length - 2;
        }

        int ingressIndex() {
            return values.length - 1;
        }
    }

    private static final class RouteFlow {
        final RouteProfile profile;
        final StatusCodeShare[] codes;
        final double[] codeWeights;
        final double[] consumerWeights;
        final ConsumerCounters[] consumers;
        final Histogram kong;
        final Histogram upstream = new Histogram(UPSTREAM_BUCKETS.length);
        final Histogram request = new Histogram(UPSTREAM_BUCKETS.length);
        final long[] scratch;
        /** {@code service="..",route=".."[,workspace="default"]}: the histograms' label block. */
        final byte[] labels;
        long requests;
        double carry;

        RouteFlow(RouteProfile p, List<String> consumerNames, Random rng, int kongBuckets, String workspace) {
            this.profile = p;
            this.codes = p.codes().toArray(StatusCodeShare[]::new);
            this.codeWeights = cumulative(Arrays.stream(codes).mapToDouble(StatusCodeShare::weight).toArray());
            double[] shares = new double[consumerNames.size()];
            for (int i = 0; i < shares.length; i++) {
                shares[i] = consumerNames.size() == 1 ? 1 : rng.nextDouble() + 0.05;
            }
            this.consumerWeights = cumulative(shares);
            this.consumers = new ConsumerCounters[consumerNames.size()];
            for (int i = 0; i < consumers.length; i++) {
                consumers[i] = new ConsumerCounters(consumerNames.get(i), codes.length);
            }
            this.kong = new Histogram(kongBuckets);
            this.scratch = new long[Math.max(kongBuckets, UPSTREAM_BUCKETS.length)];
            this.labels = bytes("service=\"" + esc(p.service()) + "\",route=\"" + esc(p.route()) + "\"" + workspace);
        }

        private static double[] cumulative(double[] w) {
            double total = 0;
            for (double x : w) {
                total += Math.max(0, x);
            }
            double[] c = new double[w.length];
            double run = 0;
            for (int i = 0; i < w.length; i++) {
                run += Math.max(0, w[i]);
                c[i] = total == 0 ? (i + 1.0) / w.length : run / total;
            }
            return c;
        }
    }

    /** Per-node gauges: identity, nginx connection counters, Lua memory. */
    private static final class Node {
        final String nodeId;
        final String version;
        final int basePid;
        final long[] workerBytes;
        final long[] sharedDictUsed = new long[SHARED_DICTS.length];
        final double acceptRatio;
        long totalRequests;
        int reading;
        int writing;
        int waiting;
        int timersRunning;
        int timersPending;
        long streamTotal;
        final double streamAcceptRatio;

        Node(TrafficSettings s, long totalRequests, int dictKeys) {
            Random r = new Random(s.nodeSeed() * 7919 + 1);
            this.nodeId = uuid(r);
            this.version = s.kongVersion().toString();
            this.totalRequests = totalRequests;
            this.acceptRatio = 3.0 + 5 * r.nextDouble();
            this.reading = r.nextInt(4);
            this.writing = 1 + r.nextInt(12);
            this.waiting = 3 + r.nextInt(88);
            this.timersRunning = 18 + r.nextInt(31);
            this.timersPending = 1 + r.nextInt(6);
            this.basePid = 1280 + r.nextInt(1501);
            long baseKb = 52000 + r.nextInt(88001) + dictKeys / 40;
            this.workerBytes = new long[s.workers()];
            for (int w = 0; w < workerBytes.length; w++) {
                workerBytes[w] = (long) (baseKb * (0.85 + 0.3 * r.nextDouble())) * 1024 + r.nextInt(1024);
            }
            for (int i = 0; i < SHARED_DICTS.length; i++) {
                sharedDictUsed[i] = Long.parseLong(SHARED_DICTS[i][2]) + 4096L * r.nextInt(4);
            }
            this.streamTotal = 50 + r.nextInt(4951);
            this.streamAcceptRatio = 3.0 + 5 * r.nextDouble();
        }

        void advance(Random rng, long requests, double seconds) {
            totalRequests += requests + (long) (seconds / 5); // a probe every few seconds
            streamTotal += (long) Math.ceil(seconds * 0.2);
            reading = rng.nextInt(4);
            writing = 1 + rng.nextInt(12);
            waiting = 3 + rng.nextInt(88);
            timersRunning = 18 + rng.nextInt(31);
            timersPending = 1 + rng.nextInt(6);
        }

        /** Everything between kong_latency_ms and request_latency_ms in sort order, for one subsystem. */
        void renderMemoryAndNginx(ExpositionSink sink, int dictKeys, String subsystem, boolean http)
                throws IOException {
            String nodeLabel = "node_id=\"" + nodeId + "\"";
            if (http) {
                long cap = sharedDictCapacity(dictKeys);
                long promUsed = Math.min(cap, ceil4k(49152L + dictKeys * 256L));
                sink.write(KongFamily.MEMORY_LUA_SHARED_DICT_BYTES.header());
                for (int i = 0; i < SHARED_DICTS.length; i++) {
                    long used = SHARED_DICTS[i][0].equals("prometheus_metrics") ? promUsed : sharedDictUsed[i];
                    gaugeLine(sink, KongFamily.MEMORY_LUA_SHARED_DICT_BYTES, nodeLabel + ",shared_dict=\""
                            + SHARED_DICTS[i][0] + "\",kong_subsystem=\"http\"", used);
                }
                sink.write(KongFamily.MEMORY_LUA_SHARED_DICT_TOTAL_BYTES.header());
                for (String[] d : SHARED_DICTS) {
                    long total = d[0].equals("prometheus_metrics") ? cap : Long.parseLong(d[1]);
                    gaugeLine(sink, KongFamily.MEMORY_LUA_SHARED_DICT_TOTAL_BYTES, nodeLabel + ",shared_dict=\""
                            + d[0] + "\",kong_subsystem=\"http\"", total);
                }
            }
            // pids of one node have the same digit count, so numeric order is byte order here
            sink.write(KongFamily.MEMORY_WORKERS_LUA_VMS_BYTES.header());
            for (int w = 0; w < workerBytes.length; w++) {
                gaugeLine(sink, KongFamily.MEMORY_WORKERS_LUA_VMS_BYTES, nodeLabel + ",pid=\"" + (basePid + w)
                        + "\",kong_subsystem=\"" + subsystem + "\"", workerBytes[w]);
            }
            long total = http ? totalRequests : streamTotal;
            long accepted = Math.max(1, (long) (total / (http ? acceptRatio : streamAcceptRatio)));
            int rd = http ? reading : 0;
            int wr = http ? writing : Math.min(writing, 10);
            int wt = http ? waiting : Math.min(waiting, 3);
            String[] states = {"accepted", "active", "handled", "reading", "total", "waiting", "writing"};
            long[] values = {accepted, rd + wr + wt, accepted, rd, total, wt, wr};
            sink.write(KongFamily.NGINX_CONNECTIONS_TOTAL.header());
            for (int i = 0; i < states.length; i++) {
                gaugeLine(sink, KongFamily.NGINX_CONNECTIONS_TOTAL, nodeLabel + ",subsystem=\"" + subsystem
                        + "\",state=\"" + states[i] + "\"", values[i]);
            }
            gauge(sink, KongFamily.NGINX_METRIC_ERRORS_TOTAL, null, 0);
            gauge(sink, KongFamily.NGINX_REQUESTS_TOTAL, nodeLabel + ",subsystem=\"" + subsystem + "\"", total);
            if (http) {
                sink.write(KongFamily.NGINX_TIMERS.header());
                gaugeLine(sink, KongFamily.NGINX_TIMERS, "state=\"pending\"", timersPending);
                gaugeLine(sink, KongFamily.NGINX_TIMERS, "state=\"running\"", timersRunning);
            }
            gauge(sink, KongFamily.NODE_INFO, nodeLabel + ",version=\"" + version + "\"", 1);
        }

        private static long ceil4k(long v) {
            return (v + 4095) / 4096 * 4096;
        }

        /**
         * The default 'prometheus_metrics 5m' overflows past ~20k keys (Kong then LRU-evicts
         * counters), so large payloads pretend the operator raised it, as the reference does.
         */
        static long sharedDictCapacity(int keys) {
            long need = 49152L + keys * 256L;
            for (long mb : new long[]{5, 10, 16, 32, 64, 128, 256, 512, 1024}) {
                if (need <= mb << 20) {
                    return mb << 20;
                }
            }
            return 1024L << 20;
        }

        static String uuid(Random r) {
            String h = String.format("%016x%016x", r.nextLong(), r.nextLong());
            return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-"
                    + "89ab".charAt(Character.digit(h.charAt(16), 16) % 4) + h.substring(17, 20) + "-"
                    + h.substring(20, 32);
        }
    }
}
