package dev.kmp.processor.k8s;

import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.model.Batch;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.LabelNameSets;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.Processor;
import dev.kmp.telemetry.SelfMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code k8sattributes} processor with the {@code kgo} label schema (DESIGN.md): every series
 * with a {@code service} label keeps Kong's name as {@code kong_service} and, when it resolves,
 * gains {@code service}, {@code namespace}, {@code kubernetes_kind}, {@code kubernetes_name},
 * {@code kubernetes_namespace}, {@code kubernetes_apiversion}; every such series also gains the
 * data-plane pod's {@code dataplane_*} labels from the batch's resource. {@code route},
 * {@code workspace} and {@code dataplane_url} stay, so each (Kong service, route, data-plane pod)
 * remains its own series. {@code kong_upstream_target_health} targets gain {@code target_pod},
 * {@code target_namespace}, {@code target_service} from the EndpointSlices.
 *
 * <p>Hot path: one resolver lookup per distinct Kong service name per batch (consecutive series
 * share the previous answer) and one identity compare per series: the enriched label set of a
 * series is made when the series first appears and reused while the parser hands out the same
 * input label set; nothing per sample.
 */
public final class K8sAttributesProcessor implements Processor {
    static final String TARGET_HEALTH = "kong_upstream_target_health";
    static final String SERVICE = "service";
    static final String KONG_SERVICE = "kong_service";
    private static final int SHIFT_REACH = 8;

    private final K8sAttributesConfig config;
    private final KongServiceResolver resolver;
    private final Optional<ClusterCache> cluster;
    private final SelfMetrics.Child[] unresolvedCounters;
    private final SelfMetrics.Family backendInfo;
    /** The kmp_route_backend_info children this processor set, to remove them when they may be stale. */
    private final Set<List<String>> publishedBackends = ConcurrentHashMap.newKeySet();
    /** What each upstream target maps to in the cluster (target_pod, ...), and since when (see {@link TargetLabels}). */
    private final Map<String, TargetLabels> targetEndpoints;
    private volatile long endpointsAtLastPrune;
    private volatile long lastPruneMillis;
    /** /status only: 30 buckets of 10 s of average latency per resolved object. */
    private final ObjectLatencyHistory latency = new ObjectLatencyHistory(10_000, 30, 200);
    /** Per target, the enriched label set made for each input label set (see {@link EnrichedLabels}). */
    private final Map<TargetId, EnrichedLabels> enrichedByTarget = new ConcurrentHashMap<>();
    /** Grows whenever resolutions may have changed: mappings made under an older epoch are dropped. */
    private final AtomicLong mappingEpoch = new AtomicLong();
    private final AtomicLong identityMapsBuilt = new AtomicLong(); // for tests: see EnrichedLabels.known
    private final LabelNameSets nameSets = new LabelNameSets(4096);
    private volatile long lastStaleCheckMillis;

    public K8sAttributesProcessor(K8sAttributesConfig config, KongServiceResolver resolver,
                                  Optional<ClusterCache> cluster, SelfMetrics metrics) {
        this.config = config;
        this.resolver = resolver;
        this.cluster = cluster;
        // Sized for the cluster's endpoint addresses: a target's first batch adds one entry per
        // upstream target, and growing the map to 16k of them cost that batch ~2 ms at 5000 Kong
        // services. (The cache is synced by now, or nearly: the warm-up waited for it.)
        this.targetEndpoints = new ConcurrentHashMap<>(Math.max(16, cluster.map(ClusterCache::endpointAddressCount).orElse(0)));
        SelfMetrics.Family unresolved = metrics.counter("kmp_enrichment_unresolved_total",
                "Series whose Kong service resolved to no Kubernetes object, per processed scrape, by reason", "reason");
        this.unresolvedCounters = new SelfMetrics.Child[] {
                unresolved.labels(Resolution.NO_TAGS), unresolved.labels(Resolution.NO_OBJECT),
                unresolved.labels(Resolution.UNPARSABLE_NAME)};
        this.backendInfo = metrics.gauge("kmp_route_backend_info",
                "1 for each backend of a route rule that Kong serves as one service (join on kong_service)",
                "namespace", "route", "rule", "kong_service", "backend_service", "weight");
    }

    /**
     * The parser hands out the very same input {@link Labels} instance for a series scrape after
     * scrape, and Kong writes its series in the same order every time: so the enriched label set
     * of the series at position i of a family is, nearly always, the one made for position i of
     * the previous batch, found by one identity compare on two arrays. Only a batch whose series
     * moved or are new builds an identity map of what is known (and that map lives for the batch
     * only). The store then holds the same output instances across scrapes too, a steady scrape
     * allocates no label sets here, and series a target stopped sending are forgotten after one
     * batch. Used by one target's scrape loop at a time.
     */
    private static final class EnrichedLabels {
        final long epoch;
        final Labels resource;
        long lastUsedMillis;
        Map<String, Positions> previous = new HashMap<>();
        Map<String, Positions> current;
        // The EndpointSlices' generation the previous batch's target health sets were made at, and this batch's.
        long previousEndpoints = -1;
        long currentEndpoints;
        // Built on the batch's first miss.
        IdentityHashMap<Labels, Labels> known;
        IdentityHashMap<Labels, Labels> knownTargets;
        int seriesInBatch; // sizes the maps when they are built
        Positions lastServices = Positions.NONE;
        Positions sibling = Positions.NONE;

        private final AtomicLong mapsBuilt;

        EnrichedLabels(long epoch, Labels resource, AtomicLong mapsBuilt) {
            this.epoch = epoch;
            this.resource = resource;
            this.mapsBuilt = mapsBuilt;
        }

        void startBatch(long nowMillis, int series, long endpoints) {
            lastUsedMillis = nowMillis;
            currentEndpoints = endpoints;
            seriesInBatch = series;
            current = new HashMap<>();
            known = null;
            knownTargets = null;
            lastServices = Positions.NONE;
            sibling = Positions.NONE;
        }

        void endBatch() {
            previous = current;
            previousEndpoints = currentEndpoints;
            current = null;
            known = null;
            knownTargets = null;
            lastServices = Positions.NONE;
            sibling = Positions.NONE;
        }

        /** Where this batch records the family's pairs; the previous batch's are {@link #before}. */
        Positions start(String family, int size) {
            Positions p = new Positions(size);
            current.put(family, p);
            return p;
        }

        /**
         * Like {@link #start} for a family enriched by service; {@link #sibling()} is then the one
         * started before it in this batch: Kong's three latency histograms carry the same series
         * in the same order, so position i of one is position i of the other.
         */
        Positions startServices(String family, int size) {
            sibling = lastServices;
            lastServices = start(family, size);
            return lastServices;
        }

        Positions sibling() {
            return sibling;
        }

        /** Whether slices changed since the previous batch made its target health sets: each must be checked. */
        boolean targetsMayHaveMoved() {
            return previousEndpoints != currentEndpoints;
        }

        /** Nothing was made for this target before (its first batch, or the first after a mapping change). */
        boolean firstBatch() {
            return previous.isEmpty();
        }

        Positions before(String family) {
            return previous.getOrDefault(family, Positions.NONE);
        }

        /**
         * The enriched set already made for this input, in the previous batch or earlier in this
         * one, by families of the same kind (target health, or by service).
         */
        Labels known(Labels input, boolean targetHealth) {
            if (firstBatch()) {
                // A target's first batch: nothing is known from before, and a map of every set made
                // so far costs more (~15 ms at 5000 Kong services) than the few sets it could share:
                // the families of Kong that share label sets are siblings, which the caller tried.
                return null;
            }
            if (known == null) {
                mapsBuilt.incrementAndGet();
                known = new IdentityHashMap<>(seriesInBatch);
                knownTargets = new IdentityHashMap<>(Math.max(16, seriesInBatch / 8));
                for (Map<String, Positions> batch : List.of(previous, current)) {
                    batch.forEach((family, p) -> {
                        var map = family.equals(TARGET_HEALTH) ? knownTargets : known;
                        for (int i = 0; i < p.inputs.length; i++) {
                            if (p.outputs[i] != null) {
                                map.put(p.inputs[i], p.outputs[i]);
                            }
                        }
                    });
                }
            }
            return (targetHealth ? knownTargets : known).get(input);
        }

        void record(Positions p, int i, Labels input, Labels output, boolean targetHealth) {
            p.set(i, input, output);
            if (known != null && output != null) {
                (targetHealth ? knownTargets : known).put(input, output);
            }
        }
    }

    /**
     * The cluster's labels for one upstream target ({@code target_pod}, {@code target_namespace},
     * {@code target_service} pairs), checked against the EndpointSlices as they were at
     * {@code checkedAt} ({@link ClusterCache#endpointGeneration()}), unchanged since
     * {@code changedAt}. A slice change that touched a target's address makes it be checked
     * again; an enriched set made for it stays as it is when its pairs did not change.
     */
    private record TargetLabels(long checkedAt, long changedAt, String[] pairs) {
    }

    /**
     * Input and enriched label sets of one family by the position of its series in the batch
     * (the enriched set is null for a series that was dropped, so later positions do not shift).
     */
    private static final class Positions {
        static final Positions NONE = new Positions(0);
        final Labels[] inputs;
        final Labels[] outputs;

        Positions(int size) {
            inputs = new Labels[size];
            outputs = new Labels[size];
        }

        void set(int i, Labels input, Labels output) {
            inputs[i] = input;
            outputs[i] = output;
        }

        /** The enriched set at position i, when its input is the very same. */
        Labels at(int i, Labels input) {
            return i >= 0 && i < inputs.length && inputs[i] == input ? outputs[i] : null;
        }
    }

    @Override
    public Batch process(Batch batch) {
        if (batch.failed()) {
            enrichedByTarget.remove(batch.target());
            return batch;
        }
        // Read before anything is looked up: a slice change landing during the batch is seen by the next one.
        long endpoints = cluster.map(ClusterCache::endpointGeneration).orElse(0L);
        if (resolver.refresh()) {
            mappingEpoch.incrementAndGet();
            enrichedByTarget.clear();
            // Re-published below as the rules that still have several backends are met again.
            unpublishBackends();
        }
        Suffix dataplane = Suffix.of(dataplaneLabels(batch.resource()));
        EnrichedLabels enriched = enrichedFor(batch, endpoints);
        BatchWork work = new BatchWork(dataplane, enriched, endpoints);
        List<MetricFamily> families = batch.families();
        List<MetricFamily> out = new ArrayList<>(families.size());
        boolean changed = false;
        for (MetricFamily f : families) {
            MetricFamily g = enrich(f, work);
            changed |= g != f;
            out.add(g);
        }
        work.publishNewBackends();
        for (int i = 0; i < work.unresolved.length; i++) {
            if (work.unresolved[i] > 0) {
                unresolvedCounters[i].inc(work.unresolved[i]);
            }
        }
        enriched.endBatch();
        if (enriched.epoch == mappingEpoch.get()) {
            enrichedByTarget.put(batch.target(), enriched);
        }
        if (work.latencyTotals != null) {
            latency.observe(batch.target(), batch.timestampMillis(), work.latencyTotals);
        }
        return changed ? batch.withFamilies(out) : batch;
    }

    /** For /status: how Kong's names resolved (at most 500, by name) and the latency per object. */
    @Override
    public Map<String, Object> status() {
        List<Map<String, Object>> rows = new ArrayList<>();
        long resolved = 0;
        for (Map.Entry<String, Resolution> e : resolver.cached(500).entrySet()) {
            Resolution r = e.getValue();
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("kong_service", e.getKey());
            if (r.resolved()) {
                resolved++;
                row.put("kind", r.object().kind());
                row.put("namespace", r.object().namespace());
                row.put("name", r.object().name());
                row.put("how", (resolver.resolvedByTags(e.getKey()) ? "Admin API tags" : "naming rule")
                        + (r.rule() >= 0 ? ", rule " + r.rule() : ""));
                if (!r.backends().isEmpty()) {
                    row.put("backends", r.backends().stream().map(b -> b.namespace() + "/" + b.service() + " (weight " + b.weight() + ")").toList());
                }
            } else {
                row.put("how", "unresolved: " + r.reason());
            }
            rows.add(row);
        }
        Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("resolved", resolved);
        status.put("unresolved", rows.size() - resolved);
        status.put("resolutions", rows);
        status.put("latency_ms", latency.asStatus(System.currentTimeMillis()));
        return status;
    }

    private EnrichedLabels enrichedFor(Batch batch, long endpoints) {
        long epoch = mappingEpoch.get();
        EnrichedLabels e = enrichedByTarget.get(batch.target());
        if (e == null || e.epoch != epoch || !e.resource.equals(batch.resource())) {
            e = new EnrichedLabels(epoch, batch.resource(), identityMapsBuilt);
        }
        e.startBatch(batch.timestampMillis(), batch.families().stream().mapToInt(f -> f.series().size()).sum(), endpoints);
        forgetStaleTargets(batch.timestampMillis());
        pruneTargetEndpoints(batch.timestampMillis(), endpoints);
        return e;
    }

    /**
     * A target that discovery dropped sends no failed batch: its mapping goes once no batch of it
     * came for an hour (checked at most once a minute).
     */
    private void forgetStaleTargets(long nowMillis) {
        if (nowMillis - lastStaleCheckMillis < 60_000) {
            return;
        }
        lastStaleCheckMillis = nowMillis;
        enrichedByTarget.values().removeIf(e -> nowMillis - e.lastUsedMillis > 3_600_000);
    }

    /**
     * Entries no batch checked since the previous prune (ten minutes at least) go: a target gone
     * from every Kong data plane is never checked again. A live one among them is only looked up
     * again when a batch next needs it, and counts as changed then.
     */
    private void pruneTargetEndpoints(long nowMillis, long endpoints) {
        if (nowMillis - lastPruneMillis < 600_000) {
            return;
        }
        long before = endpointsAtLastPrune;
        lastPruneMillis = nowMillis;
        endpointsAtLastPrune = endpoints;
        targetEndpoints.values().removeIf(t -> t.checkedAt() < before);
    }

    /** Per-batch state: suffix arrays per resolution and per upstream target, unresolved counts. */
    private final class BatchWork {
        final Suffix dataplane;
        final EnrichedLabels enriched;
        final long endpoints; // the slices' generation at the start of the batch
        // Addresses the slice changes since the previous batch touched; null: unknown, any may have moved.
        final Set<String> movedAddresses;
        // Per batch: the suffix carries this batch's data-plane labels, which differ between Kong pods.
        // Sized when the target health family starts (a target's first batch makes one per target:
        // growing a map to 16k of them cost ~1 ms at 5000 Kong services; empty, it has no table).
        Map<String, Suffix> targetSuffixes = Map.of();
        final Map<Resolution, Suffix> suffixes = new IdentityHashMap<>();
        final Map<Resolution, String> namesOf = new IdentityHashMap<>(); // the Kong service each was made for
        final long[] unresolved = new long[3];
        String lastName;
        Resolution lastResolution;
        String lastTarget;
        Suffix lastTargetSuffix;
        int shift; // of the family being enriched, see previousAt
        int newUntil; // positions before it that insertedAt found new
        // Per resolved object, the sum and count of its kong_upstream_latency_ms series (for
        // /status, see ObjectLatencyHistory); null while the batch had no such family.
        Map<ObjectRef, double[]> latencyTotals;
        boolean latencyFamily; // the family being enriched is kong_upstream_latency_ms
        private ObjectRef lastLatencyObject;
        private double[] lastLatencyTotals;

        BatchWork(Suffix dataplane, EnrichedLabels enriched, long endpoints) {
            this.dataplane = dataplane;
            this.enriched = enriched;
            this.endpoints = endpoints;
            this.movedAddresses = enriched.targetsMayHaveMoved() && !enriched.firstBatch() && cluster.isPresent()
                    ? cluster.get().addressesChangedAfter(enriched.previousEndpoints).orElse(null) : null;
        }

        /** Whether the slices changed since the previous batch touched this target's address. */
        boolean mayHaveMoved(String target) {
            return movedAddresses == null || movedAddresses.contains(addressOf(target));
        }

        Suffix targetSuffix(String target) {
            if (target == lastTarget) { // a target's states come one after the other; values are interned
                return lastTargetSuffix;
            }
            Suffix s = targetSuffixes.get(target);
            if (s == null) {
                s = Suffix.of(concat(targetLabels(target, endpoints).pairs(), dataplane.pairs()));
                targetSuffixes.put(target, s);
            }
            lastTarget = target;
            lastTargetSuffix = s;
            return s;
        }

        /**
         * The enriched set the previous batch made for this input at position i of the family, or
         * a few positions away: a series that came or went before it moves the rest, and they are
         * looked for that far away from then on (without it, a series gone near a family's start
         * sent every later one to the identity map, and built that map).
         */
        Labels previousAt(Positions before, int i, Labels input) {
            Labels out = before.at(i + shift, input);
            if (out != null || before.inputs.length == 0) {
                return out;
            }
            for (int d = 1; d <= SHIFT_REACH; d++) {
                out = before.at(i + shift + d, input);
                if (out != null) {
                    shift += d;
                    return out;
                }
                out = before.at(i + shift - d, input);
                if (out != null) {
                    shift -= d;
                    return out;
                }
            }
            return null;
        }

        /**
         * Whether the series at position i, not found near its position, came in this batch: the
         * two series after it are where they were (it took the place of one that went), or the
         * two series j and j + 1 after it sit where this one and the next would have been (this
         * one and the j - 1 after it are new, the later ones j positions further). Then no
         * identity map is built to tell (Kong answered with a new status code, a route was added).
         * Two in a row, so that series that only changed places keep their sets through the map.
         */
        boolean insertedAt(Positions before, int i, List<Series> series) {
            if (i < newUntil) {
                return true;
            }
            if (before.inputs.length == 0 || i + 2 >= series.size()) {
                return false;
            }
            if (before.at(i + shift + 1, series.get(i + 1).labels()) != null
                    && before.at(i + shift + 2, series.get(i + 2).labels()) != null) {
                return true;
            }
            for (int j = 1; j <= SHIFT_REACH && i + j + 1 < series.size(); j++) {
                if (before.at(i + shift, series.get(i + j).labels()) != null
                        && before.at(i + shift + 1, series.get(i + j + 1).labels()) != null) {
                    shift -= j;
                    newUntil = i + j;
                    return true;
                }
            }
            return false;
        }

        /** Adds a series of kong_upstream_latency_ms to its object's totals (consecutive series mostly share one). */
        void addLatency(ObjectRef object, Series s) {
            if (!(s instanceof HistogramSeries h) || !h.hasSum() || !h.hasCount()) {
                return;
            }
            if (object != lastLatencyObject) {
                lastLatencyTotals = latencyTotals.computeIfAbsent(object, o -> new double[2]);
                lastLatencyObject = object;
            }
            lastLatencyTotals[0] += h.sum();
            lastLatencyTotals[1] += h.count();
        }

        Resolution resolve(String kongService) {
            if (kongService != lastName) { // label values are interned by the parser
                lastResolution = resolver.resolve(kongService);
                lastName = kongService;
            }
            return lastResolution;
        }

        // Which input labels a rewrite keeps, and the names it writes, depend only on the input's
        // names, where service sits and the suffix's names: one answer per shape, not per series.
        private Labels lastShape;
        private boolean[] lastKept;
        private int lastServiceIndex;
        private String[] lastSuffix;
        private String[] lastNames;
        private boolean lastKeepsAll; // every input value stays, in order (service only renamed)

        Labels rewrite(Labels in, int serviceIndex, Suffix suffix) {
            String[] suffixPairs = suffix.pairs();
            if (lastShape == null || !in.sharesNamesWith(lastShape)) {
                boolean[] kept = new boolean[in.size()];
                for (int i = 0; i < kept.length; i++) {
                    kept[i] = !setByUs(in.name(i));
                }
                lastShape = in;
                lastKept = kept;
                lastNames = null;
            }
            if (lastNames == null || serviceIndex != lastServiceIndex || !sameNames(suffixPairs, lastSuffix)) {
                lastNames = nameSets.share(rewrittenNames(in, serviceIndex, suffixPairs, lastKept));
                lastServiceIndex = serviceIndex;
                lastSuffix = suffixPairs;
                lastKeepsAll = true;
                for (int i = 0; i < lastKept.length; i++) {
                    lastKeepsAll &= i == serviceIndex || lastKept[i];
                }
            }
            if (lastKeepsAll) {
                // The usual case (Kong writes none of our labels): the input's values and the
                // suffix's, shared rather than copied (see Labels.extending).
                return Labels.extending(in, lastNames, suffix.values());
            }
            return Labels.ofArrays(lastNames, rewrittenValues(in, serviceIndex, suffixPairs, lastKept, lastNames.length));
        }

        Suffix suffix(Resolution r, String kongService) {
            Suffix s = suffixes.get(r);
            if (s == null) {
                s = r.resolved() ? Suffix.of(concat(objectLabels(r.object()), dataplane.pairs())) : dataplane;
                suffixes.put(r, s);
                namesOf.put(r, kongService);
            }
            return s;
        }

        /**
         * Publishes kmp_route_backend_info for the resolutions this batch made suffixes for. Done
         * once after the series, not as each one is met: the start-up warm-up meets no route with
         * several backends, and a branch in the per-series code that it never took was thrown away
         * (deoptimised) at the first real batch with a canary route.
         */
        void publishNewBackends() {
            namesOf.forEach((r, kongService) -> {
                if (!r.backends().isEmpty()) {
                    publishBackends(r, kongService);
                }
            });
        }
    }

    /**
     * The family with enriched label sets: by Kong service (every family whose series carry a
     * {@code service} label), or by upstream target ({@code kong_upstream_target_health}).
     */
    private MetricFamily enrich(MetricFamily f, BatchWork work) {
        boolean targets = f.name().equals(TARGET_HEALTH);
        List<Series> series = f.series();
        if (!targets && (series.isEmpty() || indexOf(series.get(0).labels(), SERVICE) < 0)) {
            return f; // Kong writes one label set per family: no service label on the first, none at all
        }
        int n = series.size();
        work.latencyFamily = !targets && f.name().equals(ObjectLatencyHistory.FAMILY);
        if (targets) {
            work.targetSuffixes = HashMap.newHashMap(Math.max(16, n / 4)); // Kong writes 4 states per target
        }
        if (work.latencyFamily && work.latencyTotals == null) {
            work.latencyTotals = new HashMap<>();
        }
        Positions before = work.enriched.before(f.name());
        Positions now = targets ? work.enriched.start(f.name(), n) : work.enriched.startServices(f.name(), n);
        work.shift = 0;
        work.newUntil = 0;
        // Families with the same labels (the three latency histograms) share one enriched set.
        Positions sibling = targets ? Positions.NONE : work.enriched.sibling();
        List<Series> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Series s = series.get(i);
            Labels labels = s.labels();
            Labels enriched = targets ? enrichedTarget(labels, i, work, before, series)
                    : enrichedService(labels, i, work, before, sibling, series);
            work.enriched.record(now, i, labels, enriched, targets);
            if (enriched != null) {
                out.add(enriched == labels ? s : s.withLabels(enriched));
            }
        }
        return f.withSeries(out);
    }

    /** The enriched set of the series at position i of a family by service; null when it is dropped. */
    private Labels enrichedService(Labels labels, int i, BatchWork work, Positions before, Positions sibling,
                                   List<Series> series) {
        int idx = indexOf(labels, SERVICE);
        if (idx < 0) {
            return labels;
        }
        String kongService = labels.value(idx);
        Resolution r = work.resolve(kongService);
        if (!r.resolved()) {
            work.unresolved[reasonIndex(r.reason())]++;
            if (config.dropUnresolved()) {
                return null;
            }
        } else if (work.latencyFamily) {
            work.addLatency(r.object(), series.get(i));
        }
        Labels enriched = work.previousAt(before, i, labels);
        if (enriched == null) {
            enriched = sibling.at(i, labels);
        }
        if (enriched == null && !work.insertedAt(before, i, series)) {
            enriched = work.enriched.known(labels, false);
        }
        if (enriched == null) {
            enriched = work.rewrite(labels, idx, work.suffix(r, kongService));
        }
        return enriched;
    }

    /** The enriched set of the series at position i of the target health family. */
    private Labels enrichedTarget(Labels labels, int i, BatchWork work, Positions before, List<Series> series) {
        Labels enriched = work.previousAt(before, i, labels);
        if (enriched == null && !work.insertedAt(before, i, series)) {
            enriched = work.enriched.known(labels, true);
        }
        if (enriched != null && !work.enriched.targetsMayHaveMoved()) {
            return enriched;
        }
        String target = labels.get("target");
        if (enriched != null && target != null && work.mayHaveMoved(target)
                && targetLabels(target, work.endpoints).changedAt() > work.enriched.previousEndpoints) {
            // Made before slices changed (a replaced pod shifts the targets after it, so this is
            // often from the identity map): kept unless the change touched this target's address
            // and its pairs are not the ones of then.
            enriched = null;
        }
        if (enriched == null) {
            Suffix suffix = target == null ? work.dataplane : work.targetSuffix(target);
            enriched = suffix.pairs().length == 0 ? labels : work.rewrite(labels, -1, suffix);
        }
        return enriched;
    }

    /**
     * The pairs a rewrite appends (name, value, ...) and their values alone: the tail that every
     * enriched set of one Kong service (or upstream target) in a batch shares.
     */
    private record Suffix(String[] pairs, String[] values) {
        static Suffix of(String[] pairs) {
            String[] values = new String[pairs.length / 2];
            for (int j = 1; j < pairs.length; j += 2) {
                values[j / 2] = pairs[j];
            }
            return new Suffix(pairs, values);
        }
    }

    /** The cluster's pairs for {@code target}, checked at slices' generation {@code endpoints}. */
    private TargetLabels targetLabels(String target, long endpoints) {
        TargetLabels known = targetEndpoints.get(target);
        if (known != null && known.checkedAt() == endpoints) {
            return known;
        }
        String[] pairs = lookUpTarget(target);
        TargetLabels checked = known != null && Arrays.equals(known.pairs(), pairs)
                ? new TargetLabels(endpoints, known.changedAt(), known.pairs())
                : new TargetLabels(endpoints, endpoints, pairs);
        targetEndpoints.put(target, checked);
        return checked;
    }

    /** The address of an upstream target {@code ip:port} ({@code [ipv6]:port}), or null. */
    static String addressOf(String target) {
        int colon = target.lastIndexOf(':');
        return colon <= 0 ? null : addressBefore(target, colon);
    }

    /** The address of {@code target} whose port separator is at {@code colon} (> 0): one substring, brackets left out. */
    private static String addressBefore(String target, int colon) {
        boolean bracketed = target.charAt(0) == '[' && target.charAt(colon - 1) == ']';
        return bracketed ? target.substring(1, colon - 1) : target.substring(0, colon);
    }

    private static final String[] NO_PAIRS = new String[0];

    /**
     * The cluster's pairs for an upstream target {@code ip:port} ({@code [ipv6]:port}). Runs once
     * per target in a target's first batch (16k of them at 5000 Kong services), so the text is
     * read once and the pairs array made directly.
     */
    private String[] lookUpTarget(String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || cluster.isEmpty()) {
            return NO_PAIRS;
        }
        int port = portNumber(target, colon + 1);
        if (port < 0) {
            return NO_PAIRS;
        }
        ClusterCache.TargetEndpoint ep = cluster.get().endpointFor(addressBefore(target, colon), port).orElse(null);
        if (ep == null) {
            return NO_PAIRS;
        }
        String[] pairs = new String[2 + (ep.pod() != null ? 2 : 0) + (ep.service() != null ? 2 : 0)];
        int k = 0;
        if (ep.pod() != null) {
            pairs[k++] = "target_pod";
            pairs[k++] = ep.pod();
        }
        pairs[k++] = "target_namespace";
        pairs[k++] = ep.namespace();
        if (ep.service() != null) {
            pairs[k++] = "target_service";
            pairs[k] = ep.service();
        }
        return pairs;
    }

    /** The decimal port from {@code from} to the end of {@code s}, or -1 when it is not one (as Integer.parseInt read it, without a sign). */
    static int portNumber(String s, int from) {
        int n = s.length() - from;
        if (n < 1 || n > 5) {
            return -1;
        }
        int port = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535 ? port : -1;
    }

    /**
     * The input's label names with {@code service} renamed {@code kong_service}, minus any we set
     * ({@code kept[i]} false), plus the suffix's names.
     */
    static String[] rewrittenNames(Labels in, int serviceIndex, String[] suffixPairs, boolean[] kept) {
        int n = in.size();
        String[] names = new String[n + suffixPairs.length / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (i == serviceIndex) {
                names[k++] = KONG_SERVICE;
            } else if (kept[i]) {
                names[k++] = in.name(i);
            }
        }
        for (int j = 0; j < suffixPairs.length; j += 2) {
            names[k++] = suffixPairs[j];
        }
        return k < names.length ? Arrays.copyOf(names, k) : names;
    }

    /** The values that go with {@link #rewrittenNames}, {@code size} of them. */
    static String[] rewrittenValues(Labels in, int serviceIndex, String[] suffixPairs, boolean[] kept, int size) {
        String[] values = new String[size];
        int k = 0;
        for (int i = 0; i < in.size(); i++) {
            if (i == serviceIndex || kept[i]) {
                values[k++] = in.value(i);
            }
        }
        for (int j = 1; j < suffixPairs.length; j += 2) {
            values[k++] = suffixPairs[j];
        }
        return values;
    }

    /** Whether two suffixes have the same names (the constants of objectLabels and the resource's names). */
    private static boolean sameNames(String[] a, String[] b) {
        if (a == b) {
            return true;
        }
        if (b == null || a.length != b.length) {
            return false;
        }
        for (int j = 0; j < a.length; j += 2) {
            if (!a[j].equals(b[j])) {
                return false;
            }
        }
        return true;
    }

    /** Labels this processor writes; a scraped label of the same name gives way (never two of one name). */
    private static boolean setByUs(String name) {
        return switch (name) {
            case "namespace", KONG_SERVICE, SERVICE, "target_pod", "target_namespace", "target_service" -> true;
            default -> name.startsWith("kubernetes_") || (name.startsWith("dataplane_") && !name.equals("dataplane_url"));
        };
    }

    static String[] objectLabels(ObjectRef o) {
        return new String[] {
                SERVICE, o.name(),
                "namespace", o.namespace(),
                "kubernetes_kind", o.kind(),
                "kubernetes_name", o.name(),
                "kubernetes_namespace", o.namespace(),
                "kubernetes_apiversion", o.apiVersion()};
    }

    /** The batch resource's data-plane labels (pod, namespace, node, deployment); dataplane_url is already on every series. */
    static String[] dataplaneLabels(Labels resource) {
        List<String> pairs = new ArrayList<>(8);
        for (int i = 0; i < resource.size(); i++) {
            String name = resource.name(i);
            if (name.startsWith("dataplane_") && !name.equals("dataplane_url") && !resource.value(i).isEmpty()) {
                pairs.add(name);
                pairs.add(resource.value(i));
            }
        }
        return pairs.toArray(String[]::new);
    }

    private void publishBackends(Resolution r, String kongService) {
        for (Resolution.Backend b : r.backends()) {
            String[] values = {r.object().namespace(), r.object().name(), Integer.toString(r.rule()), kongService,
                    b.service(), Integer.toString(b.weight())};
            backendInfo.labels(values).set(1);
            publishedBackends.add(List.of(values));
        }
    }

    private static List<String> valuesOf(Labels l) {
        List<String> v = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            v.add(l.value(i));
        }
        return v;
    }

    private static String[] concat(String[] a, String[] b) {
        if (b.length == 0) {
            return a;
        }
        String[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static int indexOf(Labels labels, String name) {
        for (int i = 0; i < labels.size(); i++) {
            if (labels.name(i).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static int reasonIndex(String reason) {
        return switch (reason) {
            case Resolution.NO_TAGS -> 0;
            case Resolution.NO_OBJECT -> 1;
            default -> 2;
        };
    }

    /** How many batches built an identity map of the enriched sets made before (for tests). */
    long identityMapsBuilt() {
        return identityMapsBuilt.get();
    }

    @Override
    public void shutdown() {
        unpublishBackends();
    }

    /**
     * Takes this processor's {@code kmp_route_backend_info} series out in one pass over the
     * family. One pass per series, as before, cost a routing change (and a reload) the number of
     * multi-backend rules times the family's size: 9 ms per shutdown of a processor that enriched
     * 5000 Kong services, 0.5 ms in one pass (JFR samples over 60 of them, {@code ProcessorFirstsMain}).
     */
    private void unpublishBackends() {
        if (publishedBackends.isEmpty()) {
            return;
        }
        Set<List<String>> published = new HashSet<>(publishedBackends);
        backendInfo.removeIf(l -> published.contains(valuesOf(l)));
        publishedBackends.removeAll(published);
    }
}
