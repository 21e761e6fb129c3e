package io.prometheusrelay.grpcclient;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.prometheusrelay.protocol.api.ReadMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the client: parse the command line, read, print, and say how it went as an exit code.
 * Public for what runs the command in-process (the integration tests); the exit codes are documented
 * in the README.
 */
public final class GrpcClientCommand {

	public static final int OK = 0;

	public static final int FAILED = 1;

	public static final int USAGE = 2;

	public static final int REFUSED = 3;

	public static final int UNREACHABLE = 4;

	public static final int DEADLINE = 5;

	private static final Logger logger = LoggerFactory.getLogger(GrpcClientCommand.class);

	private GrpcClientCommand() {
	}

	public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
		ClientOptions options;
		try {
			options = ClientOptions.parse(args, env);
		}
		catch (UsageException ex) {
			err.println("grpc-client: " + ex.getMessage());
			return USAGE;
		}
		if (options.help()) {
			out.print(ClientOptions.usage());
			return OK;
		}
		ManagedChannel channel;
		try {
			channel = options.security()
				.channel(options.target())
				// Keeps a quiet FOLLOW stream's connection alive through load balancers.
				.keepAliveTime(30, TimeUnit.SECONDS)
				.maxInboundMessageSize(16 << 20)
				.build();
		}
		catch (UsageException ex) {
			err.println("grpc-client: " + ex.getMessage());
			return USAGE;
		}
		Runtime.getRuntime().addShutdownHook(new Thread(channel::shutdownNow, "grpc-client-shutdown"));
		try {
			SeriesWriter writer = (options.format() == ClientOptions.Format.JSON) ? new JsonLinesWriter(out)
					: new ExpositionWriter(out, options.mode() == ReadMode.FOLLOW);
			long series = new MetricsReader(channel).read(options.toRequest(), options.deadline(), writer);
			writer.finish();
			logger.info("Read {} series from {}", series, options.target());
			return OK;
		}
		catch (StatusRuntimeException ex) {
			logger.error("GetMetrics via {} failed: {}", options.target(), ex.getStatus());
			return switch (ex.getStatus().getCode()) {
				case INVALID_ARGUMENT, UNIMPLEMENTED, RESOURCE_EXHAUSTED, PERMISSION_DENIED, UNAUTHENTICATED -> REFUSED;
				case UNAVAILABLE -> UNREACHABLE;
				case DEADLINE_EXCEEDED -> DEADLINE;
				default -> FAILED;
			};
		}
		finally {
			channel.shutdownNow();
			try {
				channel.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
