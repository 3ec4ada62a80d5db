package dev.kmp.server;

/**
 * Who may read the main port's protected paths (/metrics, /api/status, /status by default; the
 * probes stay open for the kubelet). Implementations never log or echo the credential.
 */
public interface AccessControl {
    /** Null when the caller may read {@code path}; otherwise why not, safe to show the caller. */
    Refusal check(String path, String authorizationHeader);

    /** What /status says about the mode (never a secret). */
    String describe();

    /** An HTTP refusal: 401 (no or unknown credential) or 403 (known but not allowed). */
    record Refusal(int status, String reason) {
    }

    AccessControl OPEN = new AccessControl() {
        @Override
        public Refusal check(String path, String authorizationHeader) {
            return null;
        }

        @Override
        public String describe() {
            return "open";
        }
    };

    /** The token of an {@code Authorization: Bearer ...} header, or null. */
    static String bearerToken(String authorizationHeader) {
        if (authorizationHeader == null) {
            return null;
        }
        String h = authorizationHeader.strip();
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = h.substring(7).strip();
            return token.isEmpty() ? null : token;
        }
        return null;
    }
}
