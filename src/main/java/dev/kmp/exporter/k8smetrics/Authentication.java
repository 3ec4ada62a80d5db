package dev.kmp.exporter.k8smetrics;

/** Who may call the metrics APIs. */
public enum Authentication {
    /**
     * The aggregation layer's front proxy: a client certificate signed by the request-header CA
     * (with a CN from {@code allowed_names} when that list is set); the user comes from
     * {@code X-Remote-User} / {@code X-Remote-Group}, trusted only on such a connection.
     */
    REQUESTHEADER("requestheader"),
    /** Any client certificate signed by {@code client_ca_file}; the user is its CN (kubectl). */
    CLIENTCERT("clientcert"),
    /** No check at all: for local use only. */
    NONE("none");

    public final String word;

    Authentication(String word) {
        this.word = word;
    }

    static Authentication ofWord(String word) {
        for (Authentication a : values()) {
            if (a.word.equals(word)) {
                return a;
            }
        }
        throw new IllegalArgumentException(word);
    }
}
