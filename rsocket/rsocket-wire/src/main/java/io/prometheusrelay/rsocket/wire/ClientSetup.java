package io.prometheusrelay.rsocket.wire;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What this project's client says in its SETUP frame (data MIME type {@value #MIME_TYPE}): the
 * scheme it offers, its identity labels, and an optional token. One {@code key=value} per line,
 * values URL-encoded. Clients of the original scheme send nothing of the kind.
 *
 * @param scheme the encryption the client offers
 * @param labels identity labels, which the proxy gives every series of the client
 * @param token shared secret the proxy may require; null for none
 */
public record ClientSetup(String scheme, Map<String, String> labels, @Nullable String token) {

	public static final String MIME_TYPE = "application/x.prometheus-relay.setup.v1";

	public static final String HPKE_SCHEME = "hpke-x25519-hkdf-sha256-aes128gcm";

	private static final int MAX_BYTES = 4096;

	private static final int MAX_LABELS = 16;

	private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

	public ClientSetup {
		Objects.requireNonNull(scheme, "scheme");
		labels = Map.copyOf(labels);
		if (labels.size() > MAX_LABELS) {
			throw new IllegalArgumentException("at most " + MAX_LABELS + " identity labels");
		}
		labels.keySet().forEach(name -> {
			if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
				throw new IllegalArgumentException("invalid identity label name '" + name + "'");
			}
		});
	}

	public String encode() {
		StringBuilder out = new StringBuilder("scheme=").append(encode(this.scheme)).append('\n');
		new java.util.TreeMap<>(this.labels)
			.forEach((name, value) -> out.append("label.").append(name).append('=').append(encode(value)).append('\n'));
		if (this.token != null) {
			out.append("token=").append(encode(this.token)).append('\n');
		}
		return out.toString();
	}

	/** @throws ScrapeRejectedException (reason "malformed") for a SETUP this proxy cannot read */
	public static ClientSetup decode(String text) {
		if (text.length() > MAX_BYTES) {
			throw new ScrapeRejectedException("malformed", "setup data over " + MAX_BYTES + " bytes");
		}
		String scheme = null;
		String token = null;
		Map<String, String> labels = new LinkedHashMap<>();
		for (String line : text.split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			int equals = line.indexOf('=');
			if (equals <= 0) {
				throw new ScrapeRejectedException("malformed", "setup line without '='");
			}
			String key = line.substring(0, equals);
			String value = URLDecoder.decode(line.substring(equals + 1), StandardCharsets.UTF_8);
			if (key.equals("scheme")) {
				scheme = value;
			}
			else if (key.equals("token")) {
				token = value;
			}
			else if (key.startsWith("label.")) {
				labels.put(key.substring(6), value);
			}
		}
		if (scheme == null) {
			throw new ScrapeRejectedException("malformed", "setup without a scheme");
		}
		try {
			return new ClientSetup(scheme, labels, token);
		}
		catch (IllegalArgumentException ex) {
			throw new ScrapeRejectedException("malformed", ex.getMessage());
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
