package io.prometheusrelay.grpcclient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.jspecify.annotations.Nullable;

/**
 * How the client reaches the server: plain or TLS (trusting the JVM's CAs, or {@code ca}), with a
 * client certificate for mutual TLS, and a bearer token on every call.
 *
 * @param tls whether to use TLS
 * @param ca PEM file of the CA the server's certificate must come from; the JVM's CAs when null
 * @param certificate PEM file of this client's certificate, for mutual TLS
 * @param key PEM file (PKCS#8) of that certificate's private key
 * @param serverName the name the server's certificate must have, when not the host dialled
 * @param tokenFile file holding the bearer token sent with every call
 */
record ChannelSecurity(boolean tls, @Nullable Path ca, @Nullable Path certificate, @Nullable Path key,
		@Nullable String serverName, @Nullable Path tokenFile) {

	static final ChannelSecurity PLAIN = new ChannelSecurity(false, null, null, null, null, null);

	ChannelSecurity {
		if ((certificate == null) != (key == null)) {
			throw new UsageException("--cert and --key go together");
		}
		// Any of the TLS options means TLS.
		tls = tls || ca != null || certificate != null || serverName != null;
	}

	/** A channel builder for {@code target} with these credentials, token and server name. */
	NettyChannelBuilder channel(String target) {
		NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target, credentials());
		if (this.serverName != null) {
			builder.overrideAuthority(this.serverName);
		}
		if (this.tokenFile != null) {
			Metadata headers = new Metadata();
			headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token(this.tokenFile));
			builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
		}
		return builder;
	}

	private ChannelCredentials credentials() {
		if (!this.tls) {
			return InsecureChannelCredentials.create();
		}
		try {
			TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
			if (this.ca != null) {
				builder.trustManager(this.ca.toFile());
			}
			if (this.certificate != null && this.key != null) {
				builder.keyManager(this.certificate.toFile(), this.key.toFile());
			}
			return builder.build();
		}
		catch (IOException ex) {
			throw new UsageException("cannot read the TLS files: " + ex.getMessage());
		}
	}

	private static String token(Path file) {
		try {
			String token = Files.readString(file).strip();
			if (token.isEmpty()) {
				throw new UsageException("--token-file " + file + " is empty");
			}
			return token;
		}
		catch (IOException ex) {
			throw new UsageException("cannot read --token-file " + file + ": " + ex.getClass().getSimpleName());
		}
	}

}
