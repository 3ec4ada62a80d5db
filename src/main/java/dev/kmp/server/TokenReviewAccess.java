package dev.kmp.server;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kubernetes authentication, as kube-rbac-proxy does it: the bearer token goes to a TokenReview,
 * then a SubjectAccessReview asks whether that user may {@code get} the path (a non-resource URL,
 * granted by a ClusterRole rule such as {@code nonResourceURLs: ["/metrics"], verbs: ["get"]}).
 * Answers are cached for a minute per token digest and path (Prometheus scrapes every few seconds);
 * the token itself is never stored.
 */
public final class TokenReviewAccess implements AccessControl {
    private static final System.Logger LOG = System.getLogger(TokenReviewAccess.class.getName());
    private static final long CACHE_NANOS = 60_000_000_000L;
    private static final int CACHE_ENTRIES = 1024;

    private final KubernetesClient client;
    private final Map<String, Cached> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    private record Cached(Refusal refusal, long atNanos) {
    }

    public TokenReviewAccess(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Refusal check(String path, String authorizationHeader) {
        String token = AccessControl.bearerToken(authorizationHeader);
        if (token == null) {
            return new Refusal(401, "a bearer token is required");
        }
        String key = digest(token) + " " + path;
        synchronized (cache) {
            Cached c = cache.get(key);
            if (c != null && System.nanoTime() - c.atNanos() < CACHE_NANOS) {
                return c.refusal();
            }
        }
        Refusal verdict;
        try {
            verdict = review(token, path);
        } catch (KubernetesClientException e) {
            // Not cached: the API server may be back at the next scrape.
            LOG.log(System.Logger.Level.WARNING, "TokenReview failed: HTTP {0}", e.getCode());
            return new Refusal(401, "the token could not be reviewed (Kubernetes API unavailable)");
        }
        synchronized (cache) {
            cache.put(key, new Cached(verdict, System.nanoTime()));
        }
        return verdict;
    }

    private Refusal review(String token, String path) {
        TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
        if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
            return new Refusal(401, "the bearer token is not valid");
        }
        UserInfo user = review.getStatus().getUser();
        SubjectAccessReview sar = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(user.getUsername()).withGroups(user.getGroups()).withUid(user.getUid())
                .withNewNonResourceAttributes().withPath(path).withVerb("get").endNonResourceAttributes()
                .endSpec().build()).create();
        if (sar.getStatus() == null || !Boolean.TRUE.equals(sar.getStatus().getAllowed())) {
            return new Refusal(403, "user " + user.getUsername() + " may not get " + path);
        }
        return null;
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String describe() {
        return "Kubernetes TokenReview + SubjectAccessReview";
    }
}
