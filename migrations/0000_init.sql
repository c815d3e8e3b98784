CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`name` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`key_id` text,
	`endpoint` text NOT NULL,
	`requested_model` text NOT NULL,
	`stream` integer NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`max_tokens` integer NOT NULL,
	`flags` text NOT NULL,
	`candidates` text NOT NULL,
	`chosen` text,
	`fallbacks_tried` text NOT NULL,
	`status` text NOT NULL,
	`http_status` integer NOT NULL,
	`upstream_latency_ms` real,
	`total_latency_ms` real NOT NULL,
	`tokens_in` integer,
	`tokens_out` integer,
	`router_version` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `decisions_created_idx` ON `decisions` (`created_at`);--> statement-breakpoint
CREATE INDEX `decisions_key_idx` ON `decisions` (`key_id`);--> statement-breakpoint
CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`family` text NOT NULL,
	`architecture` text NOT NULL,
	`params` integer NOT NULL,
	`layers` integer NOT NULL,
	`attention_layers` integer NOT NULL,
	`d_model` integer NOT NULL,
	`d_inner` integer NOT NULL,
	`d_state` integer NOT NULL,
	`kv_heads` integer NOT NULL,
	`head_dim` integer NOT NULL,
	`context_length` integer NOT NULL,
	`released_at` text NOT NULL,
	`bytes_per_param` real NOT NULL,
	`price_input_per_mtok` real NOT NULL,
	`price_output_per_mtok` real NOT NULL,
	`calibration` text,
	`quality_prior` real NOT NULL,
	`upstream_id` text NOT NULL,
	`upstream_model` text,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`upstream_id`) REFERENCES `upstreams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `models_upstream_idx` ON `models` (`upstream_id`);--> statement-breakpoint
CREATE TABLE `outcomes` (
	`id` text PRIMARY KEY NOT NULL,
	`decision_id` text NOT NULL,
	`score` real,
	`loss` real,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "outcomes_one_measure" CHECK(("outcomes"."score" IS NULL) <> ("outcomes"."loss" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `outcomes_decision_idx` ON `outcomes` (`decision_id`);--> statement-breakpoint
CREATE TABLE `policies` (
	`name` text PRIMARY KEY NOT NULL,
	`flags` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `router_versions` (
	`version` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`model_ids` text NOT NULL,
	`metrics` text NOT NULL,
	`onnx` blob NOT NULL,
	`active` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE `upstreams` (
	`id` text PRIMARY KEY NOT NULL,
	`base_url` text NOT NULL,
	`secret_name` text,
	`timeout_ms` integer DEFAULT 30000 NOT NULL,
	`weight` real DEFAULT 1 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
