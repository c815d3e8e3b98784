ALTER TABLE `decisions` ADD `prompt` text;--> statement-breakpoint
CREATE INDEX `outcomes_created_idx` ON `outcomes` (`created_at`,`id`);