package dev.kmp.demo;

import dev.kmp.demo.GeneratedCluster.HttpRoute;
import dev.kmp.demo.GeneratedCluster.Ingress;
import dev.kmp.demo.GeneratedCluster.K8sService;
import dev.kmp.demo.GeneratedCluster.KongService;
import dev.kmp.demo.GeneratedCluster.Pod;
import dev.kmp.demo.GeneratedCluster.ServicePort;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/** Collects the objects of a {@link GeneratedCluster}; hands out unique pod IPs. */
final class ClusterBuilder {
    /** The characters Kubernetes uses in generated name suffixes (no vowels, no look-alikes). */
    private static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int HOSTS_PER_BLOCK = 253; // .2 - .254 of each /24

    private final Random rng;
    private final Set<String> namespaces = new LinkedHashSet<>();
    private final List<K8sService> services = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private final List<Ingress> ingresses = new ArrayList<>();
    private final List<HttpRoute> httpRoutes = new ArrayList<>();
    private final List<KongService> kongServices = new ArrayList<>();
    private final int nodes;
    private int nextIp;

    ClusterBuilder(Random rng, int nodes) {
        this.rng = rng;
        this.nodes = Math.max(1, nodes);
    }

    void namespace(String ns) {
        namespaces.add(ns);
    }

    K8sService service(String ns, String name, String portName, int port, int targetPort, Map<String, String> selector) {
        namespace(ns);
        K8sService s = new K8sService(ns, name, KicNames.fakeUid("svc", ns, name),
                List.of(new ServicePort(portName, port, targetPort)), selector);
        services.add(s);
        return s;
    }

    /** Pods of one Deployment: {@code <deployment>-<template hash>-<suffix>}, labels plus pod-template-hash. */
    List<Pod> pods(String ns, String deployment, int count, Map<String, String> labels) {
        String hash = randomName(9) + rng.nextInt(10);
        Map<String, String> l = new LinkedHashMap<>(labels);
        l.put("pod-template-hash", hash);
        List<Pod> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = deployment + "-" + hash + "-" + randomName(5);
            Pod p = new Pod(ns, name, KicNames.fakeUid("pod", ns, name), nextIp(),
                    "pool-" + (char) ('a' + rng.nextInt(3)) + "-" + (1 + rng.nextInt(nodes)), l);
            out.add(p);
        }
        pods.addAll(out);
        return out;
    }

    void ingress(Ingress i) {
        namespace(i.namespace());
        ingresses.add(i);
    }

    void httpRoute(HttpRoute r) {
        namespace(r.namespace());
        httpRoutes.add(r);
    }

    void kongService(KongService s) {
        kongServices.add(s);
    }

    /** Kong service ids are UUIDs; derive them from the name so they are stable for a seed. */
    static String kongId(String kind, String name) {
        return UUID.nameUUIDFromBytes((kind + ":" + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    GeneratedCluster build() {
        return new GeneratedCluster(List.copyOf(namespaces), services, pods, ingresses, httpRoutes, kongServices);
    }

    private String nextIp() {
        int i = nextIp++;
        int block = i / HOSTS_PER_BLOCK;
        return "10." + (244 + block / 256) + "." + (block % 256) + "." + (2 + i % HOSTS_PER_BLOCK);
    }

    private String randomName(int len) {
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            b.append(NAME_ALPHABET.charAt(rng.nextInt(NAME_ALPHABET.length())));
        }
        return b.toString();
    }
}
