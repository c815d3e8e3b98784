CREATE TABLE `upstream_breakers` (
	`upstream_id` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`open_until` integer,
	`cooldown_ms` integer NOT NULL,
	`probe_until` integer,
	`last_error` text,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `decisions` ADD `ended_cleanly` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `error` text;--> statement-breakpoint
ALTER TABLE `upstreams` ADD `idle_timeout_ms` integer DEFAULT 30000 NOT NULL;--> statement-breakpoint
ALTER TABLE `upstreams` ADD `total_timeout_ms` integer DEFAULT 300000 NOT NULL;