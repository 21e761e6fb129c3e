package io.prometheusrelay.harness;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A throwaway certificate authority for tests and benchmarks: a CA, and the certificates it signs
 * for 127.0.0.1 and localhost, as PEM files that Spring Boot's SSL bundles, Netty, grpc-java,
 * HAProxy and Prometheus all read. Keys are EC P-256, quick to make; certificates are valid for a
 * day and good for both server and client authentication.
 */
public final class TestPki {

	private static final AtomicLong serials = new AtomicLong(System.currentTimeMillis());

	/** Of the in-memory key stores only; nothing is written with it. */
	private static final char[] PASSWORD = "test".toCharArray();

	private final Path dir;

	private final X500Name name;

	private final KeyPair keys;

	private final X509CertificateHolder certificate;

	private final Path certificateFile;

	private TestPki(Path dir, X500Name name, KeyPair keys, X509CertificateHolder certificate, Path certificateFile) {
		this.dir = dir;
		this.name = name;
		this.keys = keys;
		this.certificate = certificate;
		this.certificateFile = certificateFile;
	}

	/** A new CA named {@code name}, its certificate written to {@code dir/name.crt}. */
	public static TestPki create(Path dir, String name) {
		KeyPair keys = newKeys();
		X500Name subject = new X500Name("CN=" + name);
		JcaX509v3CertificateBuilder builder = builder(subject, subject, keys);
		try {
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			builder.addExtension(Extension.subjectKeyIdentifier, false,
					new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		X509CertificateHolder certificate = sign(builder, keys.getPrivate());
		return new TestPki(dir, subject, keys, certificate, write(dir.resolve(name + ".crt"), pem(certificate)));
	}

	/** The CA's certificate: what a peer trusts. */
	public Path caCertificate() {
		return this.certificateFile;
	}

	/**
	 * A certificate for {@code name} on 127.0.0.1 and localhost, with its key: {@code dir/name.crt}
	 * and {@code dir/name.key} (PKCS#8), and both in {@code dir/name.pem} for HAProxy.
	 */
	public Issued issue(String name) {
		return issue(name, "127.0.0.1", "localhost");
	}

	/** A certificate for {@code name} on {@code hosts}: IPv4 addresses or DNS names. */
	public Issued issue(String name, String... hosts) {
		GeneralName[] names = new GeneralName[hosts.length];
		for (int i = 0; i < hosts.length; i++) {
			names[i] = new GeneralName(hosts[i].matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, hosts[i]);
		}
		KeyPair keys = newKeys();
		JcaX509v3CertificateBuilder builder = builder(this.name, new X500Name("CN=" + name), keys);
		try {
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
			builder.addExtension(Extension.extendedKeyUsage, false,
					new ExtendedKeyUsage(new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth }));
			builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
			builder.addExtension(Extension.authorityKeyIdentifier, false,
					new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(this.keys.getPublic()));
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		String certificate = pem(sign(builder, this.keys.getPrivate()));
		String key = pem(keys.getPrivate());
		return new Issued(write(this.dir.resolve(name + ".crt"), certificate), write(this.dir.resolve(name + ".key"), key),
				write(this.dir.resolve(name + ".pem"), certificate + key));
	}

	/**
	 * The command-line arguments that make {@code keys} and this CA the Spring Boot SSL bundle
	 * {@code bundle} of a service: its certificate and key, and the CA it trusts.
	 */
	public List<String> bundleArguments(String bundle, Issued keys) {
		String prefix = "--spring.ssl.bundle.pem." + bundle + ".";
		return List.of(prefix + "keystore.certificate=file:" + keys.certificate(),
				prefix + "keystore.private-key=file:" + keys.privateKey(),
				prefix + "truststore.certificate=file:" + this.certificateFile);
	}

	/**
	 * A client's (or server's) JDK TLS context: trusting the CA of {@code ca}, presenting
	 * {@code keys} when given. For HTTP clients such as {@code java.net.http.HttpClient}.
	 */
	public static SSLContext sslContext(Path ca, @Nullable Issued keys) {
		try {
			KeyStore trust = KeyStore.getInstance("PKCS12");
			trust.load(null, null);
			trust.setCertificateEntry("ca", readCertificate(ca));
			TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trust);
			KeyManager[] keyManagers = null;
			if (keys != null) {
				KeyStore own = KeyStore.getInstance("PKCS12");
				own.load(null, null);
				own.setKeyEntry("key", readPrivateKey(keys.privateKey()), PASSWORD,
						new Certificate[] { readCertificate(keys.certificate()) });
				KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				keyFactory.init(own, PASSWORD);
				keyManagers = keyFactory.getKeyManagers();
			}
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers, trustManagers.getTrustManagers(), null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot make a TLS context from " + ca, ex);
		}
	}

	private static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
		try (PEMParser parser = new PEMParser(Files.newBufferedReader(file))) {
			return new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) parser.readObject());
		}
	}

	private static PrivateKey readPrivateKey(Path file) throws IOException {
		try (PEMParser parser = new PEMParser(Files.newBufferedReader(file))) {
			return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
		}
	}

	/** An issued certificate and its private key, apart and together. */
	public record Issued(Path certificate, Path privateKey, Path certificateAndKey) {
	}

	private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
		Instant now = Instant.now();
		return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serials.incrementAndGet()),
				Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
				keys.getPublic());
	}

	private static X509CertificateHolder sign(JcaX509v3CertificateBuilder builder, PrivateKey key) {
		try {
			return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key));
		}
		catch (OperatorCreationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyPair newKeys() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String pem(Object object) {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject((object instanceof PrivateKey key) ? new JcaPKCS8Generator(key, null) : object);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return text.toString();
	}

	private static Path write(Path file, String text) {
		try {
			Files.createDirectories(file.getParent());
			return Files.writeString(file, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
