package io.prometheusrelay.demo;

import java.util.Arrays;

import io.prometheusrelay.demo.job.ShortLivedJob;
import io.prometheusrelay.demo.service.DemoService;

/**
 * {@code java -jar demo-app-exec.jar} runs the long-lived service; {@code ... job} runs the
 * short-lived job once and exits. Either way the metrics reach Prometheus through the proxy, by the
 * starter alone.
 */
public final class DemoMain {

	private DemoMain() {
	}

	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals("job")) {
			System.exit(ShortLivedJob.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		DemoService.application().run(args);
	}

}
