ALTER TABLE `autofollow_rules` ADD `disabled_at` integer;--> statement-breakpoint
ALTER TABLE `autofollow_rules` ADD `disabled_reason` text;