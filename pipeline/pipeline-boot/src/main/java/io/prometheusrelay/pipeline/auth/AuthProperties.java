package io.prometheusrelay.pipeline.auth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Who may call a listener (the receiver's {@code relay.receiver.auth}, the gRPC API's
 * {@code relay.api-server.grpc.auth}): HTTP basic credentials and bearer tokens, what Prometheus's
 * {@code remote_write} sends with {@code basic_auth} or {@code authorization}. Each secret is given
 * either as a value (from the environment, for example {@code RELAY_RECEIVER_AUTH_BEARER_0_TOKEN})
 * or as a file (a mounted Kubernetes Secret), read at start-up with surrounding white space removed,
 * as Prometheus reads its {@code password_file} and {@code credentials_file}. With none configured,
 * anyone who can reach the port may call, and the service says so at start-up.
 */
public class AuthProperties {

	/** Accepted HTTP basic credentials. */
	private final List<Basic> basic = new ArrayList<>();

	/** Accepted bearer tokens; more than one, so that a new token can be rolled out before the old one is removed. */
	private final List<Bearer> bearer = new ArrayList<>();

	public List<Basic> getBasic() {
		return this.basic;
	}

	public List<Bearer> getBearer() {
		return this.bearer;
	}

	/** One user name and its password. */
	public static class Basic {

		/** The user name; it cannot contain ':', as HTTP basic auth has no way to send one. */
		private @Nullable String username;

		/** The password; or set password-file. */
		private @Nullable String password;

		/** A file holding the password. */
		private @Nullable Path passwordFile;

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable Path getPasswordFile() {
			return this.passwordFile;
		}

		public void setPasswordFile(@Nullable Path passwordFile) {
			this.passwordFile = passwordFile;
		}

	}

	/** One bearer token. */
	public static class Bearer {

		/** The token; or set token-file. */
		private @Nullable String token;

		/** A file holding the token. */
		private @Nullable Path tokenFile;

		public @Nullable String getToken() {
			return this.token;
		}

		public void setToken(@Nullable String token) {
			this.token = token;
		}

		public @Nullable Path getTokenFile() {
			return this.tokenFile;
		}

		public void setTokenFile(@Nullable Path tokenFile) {
			this.tokenFile = tokenFile;
		}

	}

}
