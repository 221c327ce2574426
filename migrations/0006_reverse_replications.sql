ALTER TABLE `replications` ADD `follower_alias` text;--> statement-breakpoint
ALTER TABLE `replications` ADD `bootstrap_kind` text DEFAULT 'snapshot' NOT NULL;--> statement-breakpoint
ALTER TABLE `replications` ADD `version_offset` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `replications` ADD `leader_version_ceiling` integer DEFAULT 0 NOT NULL;