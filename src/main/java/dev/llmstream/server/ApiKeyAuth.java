package dev.llmstream.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Bearer API keys ({@code Authorization: Bearer KEY}, as OpenAI clients send them). Only SHA-256
 * hashes of the accepted keys are held. A presented key is hashed and compared with every accepted
 * hash in constant time ({@link MessageDigest#isEqual}), without stopping at a match, so timing
 * reveals neither which key nor how much of it matched.
 */
public final class ApiKeyAuth {
    private final byte[][] hashes;

    /** @param hexHashes lower-case hex SHA-256 hashes; empty disables authentication */
    public ApiKeyAuth(List<String> hexHashes) {
        this.hashes = hexHashes.stream().map(h -> HexFormat.of().parseHex(h)).toArray(byte[][]::new);
    }

    public boolean enabled() {
        return hashes.length > 0;
    }

    /** True if the {@code Authorization} header value carries an accepted key (or auth is off). */
    public boolean allows(String authorization) {
        if (hashes.length == 0) {
            return true;
        }
        if (authorization == null || authorization.length() <= HttpNames.BEARER.length()
                || !authorization.regionMatches(true, 0, HttpNames.BEARER, 0, HttpNames.BEARER.length())) {
            return false;
        }
        byte[] presented = sha256(authorization.substring(HttpNames.BEARER.length()).strip());
        boolean ok = false;
        for (byte[] h : hashes) {
            ok |= MessageDigest.isEqual(h, presented);
        }
        return ok;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
