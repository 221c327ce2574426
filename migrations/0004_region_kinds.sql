ALTER TABLE `shard_regions` ADD `kind` text DEFAULT 'copy' NOT NULL;--> statement-breakpoint
UPDATE `shard_regions` SET `kind` = 'restore' WHERE `leader_from` = -1 AND `follower_from` = 0;--> statement-breakpoint
UPDATE `shard_regions` SET `kind` = 'gap' WHERE `kind` = 'copy' AND `leader_from` = `leader_to`;--> statement-breakpoint
UPDATE `shard_regions` SET `kind` = 'repair' WHERE `kind` = 'copy' AND `follower_from` = `follower_to` AND `leader_to` - `leader_from` = 1;
