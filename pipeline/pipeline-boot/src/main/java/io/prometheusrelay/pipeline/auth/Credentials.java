package io.prometheusrelay.pipeline.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The credentials the receiver accepts, and the check of an {@code Authorization} header against
 * them. Only SHA-256 digests are kept, and a presented credential is digested and compared with
 * every accepted one in constant time, so neither the time an answer takes nor an error message
 * tells anything about a secret. Nothing here logs or prints one.
 */
public final class Credentials {

	/** What {@link #presented} answers for a header of no scheme accepted here. */
	private static final int NO_ACCEPTED_SCHEME = -2;

	/** What a request's credentials are worth. */
	public enum Verdict {

		/** Accepted, or none are required. */
		ACCEPTED,

		/** None of a scheme the receiver accepts were sent: 401. */
		MISSING,

		/** Sent, of an accepted scheme, but not accepted: 403. */
		WRONG

	}

	private final List<byte[]> basic;

	private final List<byte[]> bearer;

	private Credentials(List<byte[]> basic, List<byte[]> bearer) {
		this.basic = basic;
		this.bearer = bearer;
	}

	/**
	 * Reads every secret the properties, bound under {@code prefix}, name.
	 * @throws RuntimeException for an entry that is incomplete, ambiguous, empty or whose file cannot
	 * be read; the message names the property, never the secret
	 */
	public static Credentials from(AuthProperties properties, String prefix) {
		List<byte[]> basic = new ArrayList<>();
		for (int i = 0; i < properties.getBasic().size(); i++) {
			AuthProperties.Basic entry = properties.getBasic().get(i);
			String name = prefix + ".basic[" + i + "]";
			String username = entry.getUsername();
			if (username == null || username.isEmpty() || username.indexOf(':') >= 0) {
				throw new InvalidConfigurationPropertyValueException(name + ".username", username,
						"A user name is required, and cannot contain ':'");
			}
			String password = Secrets.read(name + ".password", entry.getPassword(), entry.getPasswordFile());
			basic.add(digest(username + ":" + password));
		}
		List<byte[]> bearer = new ArrayList<>();
		for (int i = 0; i < properties.getBearer().size(); i++) {
			AuthProperties.Bearer entry = properties.getBearer().get(i);
			bearer.add(digest(Secrets.read(prefix + ".bearer[" + i + "].token", entry.getToken(), entry.getTokenFile())));
		}
		return new Credentials(List.copyOf(basic), List.copyOf(bearer));
	}

	/** Whether any credentials are configured; with none, every request is accepted. */
	public boolean required() {
		return !this.basic.isEmpty() || !this.bearer.isEmpty();
	}

	/** The schemes a client may use, for {@code WWW-Authenticate}. */
	public List<String> schemes() {
		List<String> schemes = new ArrayList<>();
		if (!this.basic.isEmpty()) {
			schemes.add("Basic");
		}
		if (!this.bearer.isEmpty()) {
			schemes.add("Bearer");
		}
		return schemes;
	}

	public int basicCount() {
		return this.basic.size();
	}

	public int bearerCount() {
		return this.bearer.size();
	}

	/** The verdict on a request's {@code Authorization} header, {@code null} when it has none. */
	public Verdict check(@Nullable String authorization) {
		if (!required()) {
			return Verdict.ACCEPTED;
		}
		int presented = presented(authorization);
		return (presented >= 0) ? Verdict.ACCEPTED : (presented == NO_ACCEPTED_SCHEME) ? Verdict.MISSING : Verdict.WRONG;
	}

	/**
	 * Which accepted credential a header presents, so that calls can be told apart by who makes
	 * them: its index among the basic credentials, then the bearer tokens; -1 when it presents none.
	 */
	public int indexOf(@Nullable String authorization) {
		return Math.max(presented(authorization), -1);
	}

	/** The accepted credential's index, -1 for a credential not accepted, or {@link #NO_ACCEPTED_SCHEME}. */
	private int presented(@Nullable String authorization) {
		if (authorization == null) {
			return NO_ACCEPTED_SCHEME;
		}
		int space = authorization.indexOf(' ');
		String scheme = (space > 0) ? authorization.substring(0, space).toLowerCase(Locale.ROOT) : "";
		String presented = (space > 0) ? authorization.substring(space + 1).strip() : "";
		if (scheme.equals("basic") && !this.basic.isEmpty()) {
			byte[] decoded;
			try {
				decoded = Base64.getDecoder().decode(presented);
			}
			catch (IllegalArgumentException ex) {
				return -1;
			}
			return indexOfEqual(this.basic, digest(decoded));
		}
		if (scheme.equals("bearer") && !this.bearer.isEmpty()) {
			int index = indexOfEqual(this.bearer, digest(presented.getBytes(StandardCharsets.UTF_8)));
			return (index >= 0) ? this.basic.size() + index : -1;
		}
		return NO_ACCEPTED_SCHEME;
	}

	/** Compared with every accepted digest, without stopping at the first match: the index of the equal one, or -1. */
	private static int indexOfEqual(List<byte[]> accepted, byte[] presented) {
		int index = -1;
		for (int i = 0; i < accepted.size(); i++) {
			boolean equal = MessageDigest.isEqual(accepted.get(i), presented);
			index = equal ? i : index;
		}
		return index;
	}

	private static byte[] digest(String text) {
		return digest(text.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] digest(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

}
