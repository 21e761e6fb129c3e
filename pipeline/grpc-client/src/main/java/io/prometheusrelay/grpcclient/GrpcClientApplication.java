package io.prometheusrelay.grpcclient;

import java.util.Map;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** The grpc-client command: a non-web Boot application whose exit code is the command's. */
@SpringBootApplication
public class GrpcClientApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(GrpcClientApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(
				Map.of("spring.main.banner-mode", "off", "spring.main.log-startup-info", "false"));
		ConfigurableApplicationContext context = application.run(args);
		// Already closed: a signal is stopping the JVM (Ctrl-C during a follow), which ends once the
		// shutdown hooks have run; asking the closed context for the exit code would only throw.
		if (context.isActive()) {
			System.exit(SpringApplication.exit(context));
		}
	}

	@Bean
	CommandRun commandRun() {
		return new CommandRun();
	}

	/** Runs the command once the context is up, and hands its result to Boot as the exit code. */
	static final class CommandRun implements CommandLineRunner, ExitCodeGenerator {

		private int exitCode;

		@Override
		public void run(String... args) {
			this.exitCode = GrpcClientCommand.run(args, System.getenv(), System.out, System.err);
		}

		@Override
		public int getExitCode() {
			return this.exitCode;
		}

	}

}
