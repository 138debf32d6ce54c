@_exported import MailroomCore
