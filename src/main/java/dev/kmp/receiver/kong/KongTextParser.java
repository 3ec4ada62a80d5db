package dev.kmp.receiver.kong;

import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.Series;
import dev.kmp.receiver.kong.FamilyBuilder.Role;
import dev.kmp.receiver.kong.FamilyBuilder.SampleTarget;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Prometheus text format (0.0.4, and OpenMetrics 1.0 text) as Kong's Prometheus plugin
 * serves it, straight from the bytes of the body.
 *
 * <p>One instance per scrape target, reused scrape after scrape, not thread-safe. What it keeps
 * between scrapes is what makes the next scrape cheap: strings, label sets and bucket layouts of
 * the previous scrape are found again by their bytes, without decoding or allocating, and the
 * same instances are handed out again. Whatever the latest scrape did not use is forgotten when
 * it ends.
 *
 * <p>Two shortcuts carry most of a Kong body, both exact byte compares that fall back to the
 * general path on any difference: a bucket line that repeats the previous line except for its
 * {@code le} value continues that series ({@link BucketRun}); any other line is first compared
 * with the label set found at the same step of the previous scrape ({@link LabelSetCache}),
 * since Kong writes its series in the same order every time. {@code KongTextParserDifferentialTest}
 * holds both against an independent reader.
 *
 * <p>Choices where the format leaves room:
 * <ul>
 * <li>A second HELP/TYPE block for a family (Kong with a stream listener) merges into the first;
 *     the first HELP text wins. A TYPE that contradicts an earlier one is an error.</li>
 * <li>A sample repeating a series (same family, sample name and labels) replaces it in place and
 *     is counted in {@link ParseResult#duplicateSeries()}; so does a repeated bucket bound or
 *     {@code _count}/{@code _sum} of a histogram.</li>
 * <li>A histogram's {@code _count}/{@code _sum} without bucket lines still gives a
 *     {@code HistogramSeries}, with empty bounds. Buckets are sorted by bound.</li>
 * <li>Families with no sample (a HELP or TYPE only) are left out.</li>
 * <li>Unknown escapes in label values are errors; in HELP they are kept as written. Label values
 *     that are not valid UTF-8 are decoded with replacement characters rather than rejected.</li>
 * </ul>
 */
public final class KongTextParser {
    static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private final LineReader lines;
    private final StringInterner strings = new StringInterner(Escapes.LABEL_VALUE);
    private final StringInterner helpTexts = new StringInterner(Escapes.HELP_TEXT);
    private final LabelSetCache labelSets = new LabelSetCache(strings);
    private final BucketLayouts bucketLayouts = new BucketLayouts();
    private final LabelPairs pairs = new LabelPairs();
    private final BucketRun run = new BucketRun();
    private final LeBounds leBounds = new LeBounds(strings);

    // State of the body being read; reset by parse().
    private boolean openMetrics;
    private long maxSamples;
    private final Map<String, FamilyBuilder> families = new HashMap<>();
    private final List<FamilyBuilder> familiesInOrder = new ArrayList<>();
    // Series per family in the last scrape that finished: sizes this scrape's indexes up front.
    private Map<String, Integer> previousSeriesCounts = Map.of();
    private int sampleLines;
    private int duplicateSeries;
    private byte[] previousName = new byte[128];
    private int previousNameLength;
    private SampleTarget previousTarget;
    // The value and timestamp of the sample line being read (set by valueAndTimestamp).
    private double lineValue;
    private long lineTimestamp;
    private String leText; // the text of the latest leBound()

    public KongTextParser() {
        this(DEFAULT_MAX_LINE_BYTES);
    }

    KongTextParser(int maxLineBytes) {
        this.lines = new LineReader(maxLineBytes);
    }

    /** Parses a whole body. extraLabels are appended to every series' labels (the receiver passes dataplane_url). */
    public ParseResult parse(InputStream body, ParseOptions options)
            throws IOException, ParseException, SampleLimitException {
        startScrape(body, options);
        try {
            while (lines.next()) {
                byte[] b = lines.buffer();
                int end = lines.lineEnd();
                int p = ByteText.skipBlanks(b, lines.lineStart(), end);
                if (p == end) {
                    continue;
                }
                if (b[p] == '#') {
                    if (comment(b, p, end)) {
                        break;
                    }
                } else {
                    sample(b, p, end);
                }
            }
            return finish();
        } finally {
            endScrape();
        }
    }

    private void startScrape(InputStream body, ParseOptions options) {
        openMetrics = options.openMetrics();
        maxSamples = options.maxSamples() == 0 ? Long.MAX_VALUE : options.maxSamples();
        strings.nextGeneration();
        helpTexts.useEscapes(openMetrics ? Escapes.OPEN_METRICS_HELP_TEXT : Escapes.HELP_TEXT);
        helpTexts.nextGeneration();
        labelSets.useExtraLabels(options.extraLabels());
        labelSets.startScrape();
        bucketLayouts.nextGeneration();
        lines.reset(body);
        sampleLines = 0;
        duplicateSeries = 0;
        previousTarget = null;
        run.stop();
    }

    private ParseResult finish() {
        Map<String, Integer> seriesCounts = new HashMap<>();
        for (FamilyBuilder f : familiesInOrder) {
            seriesCounts.put(f.declaredName, f.seriesCount());
        }
        previousSeriesCounts = seriesCounts;
        List<MetricFamily> result = new ArrayList<>(familiesInOrder.size());
        for (FamilyBuilder f : familiesInOrder) {
            MetricFamily family = f.build();
            duplicateSeries += f.duplicateBuckets();
            if (family != null) {
                result.add(family);
            }
        }
        return new ParseResult(result, sampleLines, duplicateSeries, lines.bytesRead());
    }

    // Runs after failures too: a target that keeps failing half-way must not grow the tables.
    private void endScrape() {
        strings.sweep();
        helpTexts.sweep();
        labelSets.endScrape();
        bucketLayouts.sweep();
        families.clear();
        familiesInOrder.clear();
        previousTarget = null;
        run.stop();
        lines.release();
    }

    // ---- comment lines ----

    /** Handles a line starting with '#' at {@code p}; returns true at {@code # EOF}. */
    private boolean comment(byte[] b, int p, int end) throws ParseException {
        previousTarget = null; // a HELP or TYPE can change what a sample name resolves to
        run.stop();
        int wordStart = ByteText.skipBlanks(b, p + 1, end);
        int wordEnd = ByteText.skipNonBlanks(b, wordStart, end);
        if (ByteText.is(b, wordStart, wordEnd, "HELP")) {
            help(b, wordEnd, end);
        } else if (ByteText.is(b, wordStart, wordEnd, "TYPE")) {
            type(b, wordEnd, end);
        } else if (ByteText.is(b, wordStart, wordEnd, "EOF")) {
            return ByteText.skipBlanks(b, wordEnd, end) == end;
        }
        // Anything else, OpenMetrics' UNIT included, is a comment.
        return false;
    }

    private void help(byte[] b, int p, int end) throws ParseException {
        int nameStart = ByteText.skipBlanks(b, p, end);
        int nameEnd = metricName(b, nameStart, end, "expected a metric name after HELP");
        if (nameEnd < end && !ByteText.isBlank(b[nameEnd])) {
            throw error(nameEnd, "expected a space after the metric name");
        }
        int textStart = ByteText.skipBlanks(b, nameEnd, end);
        String name = strings.intern(b, nameStart, nameEnd).value;
        declare(name).offerHelp(helpTexts.intern(b, textStart, end).value);
    }

    private void type(byte[] b, int p, int end) throws ParseException {
        int nameStart = ByteText.skipBlanks(b, p, end);
        int nameEnd = metricName(b, nameStart, end, "expected a metric name after TYPE");
        if (nameEnd < end && !ByteText.isBlank(b[nameEnd])) {
            throw error(nameEnd, "expected a space after the metric name");
        }
        int typeStart = ByteText.skipBlanks(b, nameEnd, end);
        int typeEnd = ByteText.skipNonBlanks(b, typeStart, end);
        if (typeStart == typeEnd) {
            throw error(typeStart, "expected a metric type after the metric name");
        }
        DeclaredType type = DeclaredType.of(b, typeStart, typeEnd);
        if (type == null) {
            throw error(typeStart, "unknown metric type '" + text(b, typeStart, typeEnd) + "'");
        }
        int rest = ByteText.skipBlanks(b, typeEnd, end);
        if (rest != end) {
            throw error(rest, "expected end of line after the metric type");
        }
        String name = strings.intern(b, nameStart, nameEnd).value;
        FamilyBuilder family = declare(name);
        if (family.typed()) {
            if (family.type() != type) {
                throw error(typeStart, "TYPE " + type.word() + " for " + name + " contradicts the earlier TYPE "
                        + family.type().word());
            }
            return; // Kong's stream block repeats HELP and TYPE: same family
        }
        if (family.hasSamples() && (type == DeclaredType.HISTOGRAM || type == DeclaredType.GAUGE_HISTOGRAM)) {
            throw error(typeStart, "TYPE " + type.word() + " for " + name + " comes after its samples");
        }
        family.setType(type);
    }

    private FamilyBuilder declare(String name) {
        FamilyBuilder family = families.get(name);
        if (family == null) {
            family = new FamilyBuilder(name, previousSeriesCounts.getOrDefault(name, 0), bucketLayouts);
            families.put(name, family);
            familiesInOrder.add(family);
        }
        return family;
    }

    // ---- sample lines ----

    private void sample(byte[] b, int p, int end) throws ParseException, SampleLimitException {
        int leEnd = run.leEnd(b, p, end);
        if (leEnd >= 0) {
            nextBucketOfRun(b, p, leEnd, end);
        } else {
            anySample(b, p, end);
        }
    }

    /** Most lines of a Kong body: the next bucket of the series the previous line was a bucket of. */
    private void nextBucketOfRun(byte[] b, int p, int leEnd, int end) throws ParseException, SampleLimitException {
        countSampleLine();
        valueAndTimestamp(b, ByteText.skipBlanks(b, leEnd + run.suffixLength(), end), end);
        int leFrom = run.leStart(p);
        double bound = leBound(b, leFrom, leEnd);
        run.histogram().addBucket(bound, leText, lineValue, lineTimestamp);
    }

    private void countSampleLine() throws SampleLimitException {
        if (++sampleLines > maxSamples) {
            throw new SampleLimitException(maxSamples, lines.lineNumber());
        }
    }

    private void anySample(byte[] b, int p, int end) throws ParseException, SampleLimitException {
        int nameStart = p;
        int nameEnd;
        SampleTarget target;
        if (repeatsPreviousName(b, p, end)) {
            nameEnd = p + previousNameLength;
            target = previousTarget;
        } else {
            nameEnd = metricName(b, p, end, "expected a metric name or '#'");
            target = null;
        }
        countSampleLine();
        if (target == null) {
            target = target(b, nameStart, nameEnd);
        }

        p = nameEnd;
        if (p < end && !ByteText.isBlank(b[p]) && b[p] != '{') {
            throw error(p, "expected '{' or a space after the metric name");
        }
        p = ByteText.skipBlanks(b, p, end);
        pairs.clear();
        Role role = target.role();
        Labels guessed = null;
        if (p < end && b[p] == '{') { // a value never starts with '{', so "name {" is unambiguous
            int blockEnd = role == Role.BUCKET || role == Role.DROP ? -1 : labelSets.matchGuess(b, p, end);
            if (blockEnd >= 0) {
                guessed = labelSets.matched();
            } else {
                blockEnd = labelBlock(b, p, end);
            }
            p = ByteText.skipBlanks(b, blockEnd, end);
        }
        valueAndTimestamp(b, p, end);
        double value = lineValue;
        long timestamp = lineTimestamp;
        if (role == Role.BUCKET) {
            bucket(b, nameStart, target.family(), value, timestamp);
            return;
        }
        run.stop();
        if (role == Role.DROP) {
            return;
        }
        Labels labels = guessed != null ? guessed : labels(b, -1);
        boolean replaced = switch (role) {
            case SCALAR -> target.family().addScalar(target.sampleName(), labels, value, timestamp);
            case COUNT -> target.family().histogram(labels).setCount(value, timestamp);
            case SUM -> target.family().histogram(labels).setSum(value, timestamp);
            case BUCKET, DROP -> throw new IllegalStateException("handled above");
        };
        if (replaced) {
            duplicateSeries++;
        }
    }

    /** Reads the value, and the timestamp if any, from {@code p} to the end of the line. */
    private void valueAndTimestamp(byte[] b, int p, int end) throws ParseException {
        if (p == end) {
            throw error(p, "expected a value");
        }
        int valueStart = p;
        p = ByteText.skipNonBlanks(b, p, end);
        lineValue = value(b, valueStart, p);
        p = ByteText.skipBlanks(b, p, end);
        lineTimestamp = Series.NO_TIMESTAMP;
        if (p < end && b[p] != '#') {
            int timestampStart = p;
            p = ByteText.skipNonBlanks(b, p, end);
            lineTimestamp = timestamp(b, timestampStart, p);
            p = ByteText.skipBlanks(b, p, end);
        }
        // OpenMetrics exemplars (" # {...} value") carry nothing the model keeps.
        if (p < end && !(openMetrics && b[p] == '#')) {
            throw error(p, lineTimestamp == Series.NO_TIMESTAMP
                    ? "expected a timestamp or end of line after the value"
                    : "expected end of line after the timestamp");
        }
    }

    private void bucket(byte[] b, int nameStart, FamilyBuilder family, double value, long timestamp)
            throws ParseException {
        int le = pairs.leIndex();
        if (le < 0) {
            throw error(nameStart, "histogram bucket without an 'le' label");
        }
        int leFrom = pairs.valueFrom(le);
        int leTo = pairs.valueTo(le);
        double bound = leBound(b, leFrom, leTo);
        HistogramAccumulator series = family.histogram(labels(b, le));
        series.addBucket(bound, leText, value, timestamp);
        run.start(b, nameStart, leFrom, leTo, pairs.blockTo(), series);
    }

    /** The bound written as {@code b[from, to)}; also sets {@link #leText}. */
    private double leBound(byte[] b, int from, int to) throws ParseException {
        if (leBounds.find(b, from, to)) {
            leText = leBounds.text();
            return leBounds.bound();
        }
        double bound;
        try {
            bound = ByteNumbers.parseDouble(b, from, to);
        } catch (NumberFormatException e) {
            bound = Double.NaN;
        }
        if (Double.isNaN(bound)) {
            throw error(from, "invalid 'le' value '" + text(b, from, to) + "'");
        }
        leText = leBounds.remember(b, from, to, bound);
        return bound;
    }

    /**
     * Whether the line at {@code p} starts with the previous sample's name, ended where a name
     * ends: consecutive lines mostly repeat it, and a compare is cheaper than classifying bytes.
     */
    private boolean repeatsPreviousName(byte[] b, int p, int end) {
        int nameEnd = p + previousNameLength;
        return previousTarget != null && nameEnd < end
                && !ByteText.isMetricNamePart(b[nameEnd])
                && Arrays.equals(previousName, 0, previousNameLength, b, p, nameEnd);
    }

    /** Resolves a sample name to its family and role; consecutive lines mostly repeat the name. */
    private SampleTarget target(byte[] b, int from, int to) throws ParseException {
        int length = to - from;
        if (previousTarget != null && length == previousNameLength
                && Arrays.equals(previousName, 0, length, b, from, to)) {
            return previousTarget;
        }
        String name = strings.intern(b, from, to).value;
        SampleTarget target = resolve(name, from);
        labelSets.startSegment();
        if (previousName.length < length) {
            previousName = new byte[Math.max(length, previousName.length * 2)];
        }
        System.arraycopy(b, from, previousName, 0, length);
        previousNameLength = length;
        previousTarget = target;
        return target;
    }

    private static final String[] SUFFIXES = {"_bucket", "_count", "_sum", "_total", "_created", "_info", "_gcount", "_gsum"};

    private SampleTarget resolve(String name, int nameStart) throws ParseException {
        FamilyBuilder exact = families.get(name);
        if (exact != null && exact.typed()) {
            if (exact.type() == DeclaredType.HISTOGRAM) {
                throw error(nameStart, "a sample of histogram " + name + " needs a _bucket, _count or _sum suffix");
            }
            return new SampleTarget(exact, name, Role.SCALAR);
        }
        for (String suffix : SUFFIXES) {
            if (name.length() > suffix.length() && name.endsWith(suffix)) {
                FamilyBuilder base = families.get(name.substring(0, name.length() - suffix.length()));
                if (base != null && base.typed()) {
                    Role role = base.roleOfSuffix(suffix, openMetrics);
                    if (role != null) {
                        return new SampleTarget(base, name, role);
                    }
                }
            }
        }
        // No TYPE covers it: an untyped family of its own (or the HELP-only one of that name).
        return new SampleTarget(declare(name), name, Role.SCALAR);
    }

    /** Records the pairs of the label block starting at '{'; returns the position after '}'. */
    private int labelBlock(byte[] b, int p, int end) throws ParseException {
        int blockStart = p;
        p = ByteText.skipBlanks(b, p + 1, end);
        while (true) {
            if (p < end && b[p] == '}') {
                pairs.setBlock(blockStart, p + 1);
                return p + 1;
            }
            if (p == end || !ByteText.isLabelNameStart(b[p])) {
                throw error(p, "expected a label name or '}'");
            }
            int nameStart = p++;
            while (p < end && ByteText.isLabelNamePart(b[p])) {
                p++;
            }
            int nameEnd = p;
            p = ByteText.skipBlanks(b, p, end);
            if (p == end || b[p] != '=') {
                throw error(p, "expected '=' after label name");
            }
            p = ByteText.skipBlanks(b, p + 1, end);
            if (p == end || b[p] != '"') {
                throw error(p, "expected '\"' to start the label value");
            }
            int valueStart = ++p;
            while (true) {
                p = ByteText.indexOfEither(b, p, end, (byte) '"', (byte) '\\');
                if (p < 0) {
                    throw error(end, "expected '\"' to end the label value");
                }
                if (b[p] == '"') {
                    break;
                }
                if (p + 1 == end || (b[p + 1] != '\\' && b[p + 1] != '"' && b[p + 1] != 'n')) {
                    throw error(p, "invalid escape in label value (only \\\\, \\\" and \\n are allowed)");
                }
                p += 2;
            }
            pairs.add(b, nameStart, nameEnd, valueStart, p);
            p = ByteText.skipBlanks(b, p + 1, end);
            if (p < end && b[p] == ',') {
                p = ByteText.skipBlanks(b, p + 1, end);
            } else if (p == end || b[p] != '}') {
                throw error(p, "expected ',' or '}' after the label value");
            }
        }
    }

    /** The Labels of the current line's pairs except index {@code skip}, reused when seen before. */
    private Labels labels(byte[] b, int skip) throws ParseException {
        Labels labels = labelSets.find(b, pairs, skip);
        if (labels == null) {
            labels = labelSets.add(b, pairs, skip);
            if (labels == null) {
                throw duplicateName(b);
            }
        }
        return labels;
    }

    /** The error for the first pair whose name an earlier pair of the line has (rare: not on the hot path). */
    private ParseException duplicateName(byte[] b) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < pairs.count(); i++) {
            if (!seen.add(text(b, pairs.nameFrom(i), pairs.nameTo(i)))) {
                return duplicateLabel(b, i);
            }
        }
        throw new IllegalStateException("the label set cache saw a name twice where the line has none");
    }

    private ParseException duplicateLabel(byte[] b, int i) {
        return error(pairs.nameFrom(i), "duplicate label name '" + text(b, pairs.nameFrom(i), pairs.nameTo(i)) + "'");
    }

    private double value(byte[] b, int from, int to) throws ParseException {
        try {
            return ByteNumbers.parseDouble(b, from, to);
        } catch (NumberFormatException e) {
            throw error(from, "invalid value '" + text(b, from, to) + "'");
        }
    }

    private long timestamp(byte[] b, int from, int to) throws ParseException {
        try {
            if (!openMetrics) {
                return ByteNumbers.parseLong(b, from, to);
            }
            // OpenMetrics writes seconds, possibly fractional.
            double seconds = ByteNumbers.parseDouble(b, from, to);
            if (Double.isFinite(seconds) && Math.abs(seconds) < 9.2e15) {
                return Math.round(seconds * 1000);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(from, "invalid timestamp '" + text(b, from, to) + "'");
    }

    /** The end of a valid metric name starting at {@code p}. */
    private int metricName(byte[] b, int p, int end, String expected) throws ParseException {
        if (p == end || !ByteText.isMetricNameStart(b[p])) {
            throw error(p, expected);
        }
        p++;
        while (p < end && ByteText.isMetricNamePart(b[p])) {
            p++;
        }
        return p;
    }

    private ParseException error(int pos, String reason) {
        return new ParseException(lines.lineNumber(), lines.columnOf(pos), reason);
    }

    // For messages only: short, and never on the happy path.
    private static String text(byte[] b, int from, int to) {
        int length = Math.min(to - from, 64);
        String s = new String(b, from, length, java.nio.charset.StandardCharsets.UTF_8);
        return to - from > length ? s + "..." : s;
    }

    // ---- for tests ----

    int internedStringCount() {
        return strings.size();
    }

    boolean isInterned(String raw) {
        return strings.contains(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    int cachedLabelSetCount() {
        return labelSets.count();
    }

    int labelSetHashLookups() {
        return labelSets.hashLookups();
    }

    long labelKeyChunkBytes() {
        return labelSets.keyChunkBytes();
    }

    int bucketLayoutCount() {
        return bucketLayouts.size();
    }
}
