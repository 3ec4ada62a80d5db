package dev.kmp.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;

/**
 * A static bearer token read from a file (a mounted Secret). The file is re-read when it changes,
 * so a rotated Secret takes effect without a restart. Comparison is constant-time.
 */
public final class BearerTokenAccess implements AccessControl {
    private static final System.Logger LOG = System.getLogger(BearerTokenAccess.class.getName());

    private final Path tokenFile;
    private volatile byte[] expected = new byte[0];
    private volatile FileTime loadedModified;
    private volatile long checkedNanos;

    public BearerTokenAccess(Path tokenFile) {
        this.tokenFile = tokenFile;
        reloadIfChanged();
    }

    @Override
    public Refusal check(String path, String authorizationHeader) {
        // A kubelet-mounted Secret changes rarely: look at the file at most once a second.
        if (System.nanoTime() - checkedNanos > 1_000_000_000L) {
            reloadIfChanged();
        }
        String token = AccessControl.bearerToken(authorizationHeader);
        if (token == null) {
            return new Refusal(401, "a bearer token is required");
        }
        byte[] want = expected;
        if (want.length == 0 || !MessageDigest.isEqual(want, token.getBytes(StandardCharsets.UTF_8))) {
            return new Refusal(401, "the bearer token is not valid");
        }
        return null;
    }

    private synchronized void reloadIfChanged() {
        checkedNanos = System.nanoTime();
        try {
            FileTime modified = Files.getLastModifiedTime(tokenFile);
            if (modified.equals(loadedModified)) {
                return;
            }
            byte[] token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            if (token.length == 0) {
                LOG.log(System.Logger.Level.ERROR, "token file {0} is empty: every request is refused", tokenFile);
            }
            expected = token;
            loadedModified = modified;
        } catch (IOException e) {
            // Keep the last good token: a Secret update swaps a symlink, a read can fall in between.
            LOG.log(System.Logger.Level.WARNING, "cannot read token file {0}: {1}", tokenFile, e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "bearer token from " + tokenFile;
    }
}
